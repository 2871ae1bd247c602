"""Synthetic corpora for the scale benchmark: N× the real number of documents, in a separate directory.

Each synthetic document is a copy of a real one with the province (湖北/湖南 and 鄂/湘), and the names
of the people in the registry replaced by another province and invented names. Every synthetic document
is labelled: its id starts with `syn`, its titles with 【合成】, its manifest entry has `synthetic: true`,
and the generated directory holds a SYNTHETIC.md marker. knowledge/ itself is only ever read.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

from retrieval.documents import load_manifest
from retrieval.normalize import squash
from retrieval.registry import load_tables

LABEL = "【合成】"
MARKER = "SYNTHETIC.md"
# Other provinces and their one-character abbreviations (the real ones: 湖北 鄂, 湖南 湘).
PROVINCES = (("江西", "赣"), ("安徽", "皖"), ("河南", "豫"), ("四川", "川"), ("广东", "粤"), ("浙江", "浙"),
             ("江苏", "苏"), ("山东", "鲁"), ("福建", "闽"), ("河北", "冀"), ("山西", "晋"), ("陕西", "陕"),
             ("贵州", "黔"), ("云南", "滇"), ("甘肃", "陇"), ("吉林", "吉"), ("辽宁", "辽"), ("海南", "琼"))
_REAL = {"湖北": "鄂", "湖南": "湘"}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "建国志伟明华国庆海军立新永红卫东文斌晓光德胜长江春雷振宇思远家豪子涵俊杰浩然鹏飞云峰"


def person_names(knowledge_dir: Path) -> list[str]:
    """The people the registry names (leaders, liaisons, general leaders), whitespace removed."""
    tables = load_tables(knowledge_dir)
    names = {squash(r.leader) for r in tables.chains} | {squash(r.liaison or "") for r in tables.chains}
    names |= {squash(g.name) for g in tables.general_leaders}
    return sorted((n for n in names if 2 <= len(n) <= 4), key=len, reverse=True)


def _invented(name: str, copy: int) -> str:
    rng = random.Random(f"{copy}:{name}")
    given = "".join(rng.choice(_GIVEN) for _ in range(len(name) - 1))
    return rng.choice(_SURNAMES) + given


class Rewriter:
    """Rewrites one real document's text into synthetic copy number `copy` (1, 2, …)."""

    def __init__(self, names: list[str], copy: int) -> None:
        first, second = PROVINCES[(2 * copy) % len(PROVINCES)], PROVINCES[(2 * copy + 1) % len(PROVINCES)]
        self.province = {"湖北": first[0], "湖南": second[0]}
        self.swap = {"湖北": first[0], "湖南": second[0], "鄂": first[1], "湘": second[1]}
        # names may be written with spaces inside ("应 勇"): match them whitespace-insensitively
        self.people = {name: _invented(name, copy) for name in names}
        spaced = [r"[ \u3000]*".join(map(re.escape, n)) for n in names]
        self._people = re.compile("|".join(spaced)) if spaced else None
        self._places = re.compile("|".join(map(re.escape, self.swap)))

    def __call__(self, text: str) -> str:
        if self._people is not None:
            text = self._people.sub(lambda m: self.people[squash(m.group(0))], text)
        return self._places.sub(lambda m: self.swap[m.group(0)], text)


def _entry(meta, rewrite: Rewriter, copy: int) -> dict:
    entry = meta.model_dump(mode="json", exclude_none=True)
    doc_id = f"syn{copy:03d}_{meta.id}"
    for key in ("title", "full_title", "short_title", "issuer", "doc_number", "addressees", "supersedes"):
        if isinstance(entry.get(key), str):
            entry[key] = rewrite(entry[key])
    entry["annexes"] = [rewrite(a) for a in entry.get("annexes", [])]
    # a copy is searchable text only: its tables stay with the original (their headings are rewritten)
    entry.pop("tables", None)
    entry.pop("lists", None)
    for key in ("title", "full_title", "short_title"):
        entry[key] = f"{LABEL}{entry[key]}（第{copy}份）"
    entry.update(id=doc_id, file=f"documents/synthetic/{doc_id}.md", province=rewrite.province.get(
        meta.province, meta.province), source_file=f"synthetic copy of {meta.id}", synthetic=True)
    return entry


def _configured(real: list[dict], rewrite: Rewriter, copy: int) -> list[dict]:
    """The provinces a copy moves its documents to, configured like the real ones (their scheme is the
    copy of the real scheme; no facts of their own)."""
    out = []
    for spec in real:
        name = rewrite.province.get(spec["name"])
        if name:
            out.append({**spec, "name": name, "full_name": f"{name}省", "english": name, "aliases": [], "cities": [],
                        "scheme": f"syn{copy:03d}_{spec['scheme']}", "leadership": None,
                        "leadership_summary": None, "problem_mechanism": None})
    return out


def generate(knowledge_dir: Path, out_dir: Path, factor: int) -> dict:
    """Write a knowledge directory with `factor` × the real documents to `out_dir` (which must not be
    knowledge/ itself): the real files unchanged, plus (factor - 1) labelled synthetic copies of each.
    Returns {"docs", "real_docs", "synthetic_docs", "factor", "knowledge_dir"}."""
    knowledge_dir, out_dir = Path(knowledge_dir).resolve(), Path(out_dir).resolve()
    if factor < 1:
        raise ValueError("factor must be at least 1")
    if out_dir == knowledge_dir or knowledge_dir in out_dir.parents:
        raise ValueError("the synthetic corpus must be written outside knowledge/")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(knowledge_dir, out_dir, ignore=shutil.ignore_patterns(".*"))
    metas = load_manifest(knowledge_dir)
    names = person_names(knowledge_dir)
    texts = {m.id: (knowledge_dir / m.file).read_text(encoding="utf-8") for m in metas}
    entries = [m.model_dump(mode="json", exclude_none=True) for m in metas]
    (out_dir / "documents" / "synthetic").mkdir(parents=True, exist_ok=True)
    provinces = yaml.safe_load((out_dir / "provinces.yaml").read_text(encoding="utf-8"))
    real = list(provinces["provinces"])
    for copy in range(1, factor):
        rewrite = Rewriter(names, copy)
        provinces["provinces"] += _configured(real, rewrite, copy)
        for meta in metas:
            entry = _entry(meta, rewrite, copy)
            body = rewrite(texts[meta.id])
            body = re.sub(r"\A# ", f"# {LABEL}", body, count=1)
            (out_dir / entry["file"]).write_text(body, encoding="utf-8")
            entries.append(entry)
    (out_dir / "provinces.yaml").write_text(yaml.safe_dump(provinces, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    manifest = {"documents": entries}
    (out_dir / "manifest.yaml").write_text(
        "# Benchmark corpus: the real documents plus synthetic copies (synthetic: true). Not knowledge/.\n"
        + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    synthetic = len(metas) * (factor - 1)
    (out_dir / MARKER).write_text(
        f"# Synthetic benchmark corpus ({factor}×)\n\nGenerated by eval/synthetic.py from {knowledge_dir}: "
        f"{len(metas)} real documents and {synthetic} synthetic copies (ids `syn…`, titles {LABEL}). "
        "Not a source of policy facts.\n", encoding="utf-8")
    return {"docs": len(entries), "real_docs": len(metas), "synthetic_docs": synthetic, "factor": factor,
            "knowledge_dir": str(out_dir)}


def add_document(knowledge_dir: Path, out_dir: Path, copy: int) -> str:
    """Add one more labelled synthetic copy (number `copy`) of the first real document to the corpus in
    `out_dir`, as an operator adding a document would; returns its id."""
    knowledge_dir, out_dir = Path(knowledge_dir).resolve(), Path(out_dir).resolve()
    if out_dir == knowledge_dir or knowledge_dir in out_dir.parents:
        raise ValueError("the synthetic corpus must be written outside knowledge/")
    meta = load_manifest(knowledge_dir)[0]
    rewrite = Rewriter(person_names(knowledge_dir), copy)
    entry = _entry(meta, rewrite, copy)
    body = re.sub(r"\A# ", f"# {LABEL}", rewrite((knowledge_dir / meta.file).read_text(encoding="utf-8")), count=1)
    (out_dir / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
    (out_dir / entry["file"]).write_text(body, encoding="utf-8")
    provinces = yaml.safe_load((out_dir / "provinces.yaml").read_text(encoding="utf-8"))
    real = yaml.safe_load((knowledge_dir / "provinces.yaml").read_text(encoding="utf-8"))["provinces"]
    known = {p["name"] for p in provinces["provinces"]}
    provinces["provinces"] += [p for p in _configured(real, rewrite, copy)  # only the copy's own province
                               if p["name"] not in known and p["scheme"] == entry["id"]]
    (out_dir / "provinces.yaml").write_text(yaml.safe_dump(provinces, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    manifest_path = out_dir / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    manifest["documents"].append(entry)
    manifest_path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return entry["id"]
