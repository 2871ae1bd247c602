"""The knowledge files' digests remembered by their stat: a file read once is not read again while its
stat is the same, any change is seen, and one changed too recently is not remembered."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from retrieval import file_digests
from retrieval.file_digests import FileDigests


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path):
    knowledge = tmp_path / "k"
    knowledge.mkdir()
    for name, text in (("a.md", "第一段。"), ("b.md", "第二段。")):
        (knowledge / name).write_text(text, encoding="utf-8")
    return knowledge, tmp_path / "digests.json"


@pytest.fixture
def settled(monkeypatch):
    monkeypatch.setattr(file_digests, "RACY_NS", 0)  # every file settled since it was written


def _remember_both(knowledge, cache) -> None:
    first = FileDigests(cache)
    first.digest(knowledge / "a.md"), first.digest(knowledge / "b.md")
    first.save()


def test_a_file_unchanged_since_is_not_read_again(files, settled):
    knowledge, cache = files
    first = FileDigests(cache)
    assert [first.digest(knowledge / n) for n in ("a.md", "b.md")] == [_sha(knowledge / n) for n in ("a.md", "b.md")]
    assert first.hashed == 2
    first.save()
    again = FileDigests(cache)
    assert again.digest(knowledge / "a.md") == _sha(knowledge / "a.md")
    assert again.read(knowledge / "b.md") == ((knowledge / "b.md").read_bytes(), _sha(knowledge / "b.md"))
    assert again.hashed == 0
    assert FileDigests(cache, trusted=False).digest(knowledge / "a.md") == _sha(knowledge / "a.md")


def test_a_changed_file_is_hashed_again(files, settled):
    knowledge, cache = files
    _remember_both(knowledge, cache)
    (knowledge / "a.md").write_text("第一段，长了。", encoding="utf-8")  # another size
    stat = (knowledge / "b.md").stat()
    (knowledge / "b.md").write_text("第三段。", encoding="utf-8")  # the same size …
    os.utime(knowledge / "b.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # … another time
    again = FileDigests(cache)
    assert again.digest(knowledge / "a.md") == _sha(knowledge / "a.md")
    assert again.digest(knowledge / "b.md") == _sha(knowledge / "b.md")
    assert again.hashed == 2


def test_a_file_changed_too_recently_is_not_remembered(files):
    knowledge, cache = files
    digests = FileDigests(cache)  # the files were written just now: their stamp may not move at a change
    assert digests.digest(knowledge / "a.md") == _sha(knowledge / "a.md")
    digests.save()
    assert not cache.exists()  # nothing to remember
    again = FileDigests(cache)
    again.digest(knowledge / "a.md")
    assert again.hashed == 1


def test_what_a_build_did_not_read_is_forgotten(files, settled):
    knowledge, cache = files
    _remember_both(knowledge, cache)
    (knowledge / "b.md").unlink()
    again = FileDigests(cache)
    again.digest(knowledge / "a.md")
    again.save()
    assert list(json.loads(cache.read_text(encoding="utf-8"))) == [str(knowledge / "a.md")]
