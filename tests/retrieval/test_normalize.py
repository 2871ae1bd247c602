"""to_simplified skips OpenCC only for text OpenCC would return unchanged: checked on every line of the
knowledge files and the dev questions, and on Traditional text."""

from __future__ import annotations

from pathlib import Path

from retrieval.normalize import _converter, to_simplified

ROOT = Path(__file__).resolve().parents[2]


def test_the_shortcut_converts_exactly_as_opencc():
    lines = [line for path in (ROOT / "knowledge").rglob("*") if path.is_file() and path.suffix in (".md", ".yaml",
             ".csv", ".txt", ".json") for line in path.read_text(encoding="utf-8").splitlines()]
    lines += (ROOT / "eval" / "datasets" / "chainqa.jsonl").read_text(encoding="utf-8").splitlines()
    lines += ["湖北省製造業產業鏈鏈長制", "於是乾燥", "乾隆", "著名的著作", "後來", "发展與改革委員會"]
    assert len(lines) > 1000
    converter = _converter()
    assert [to_simplified(line) for line in lines] == [converter.convert(line) for line in lines]
