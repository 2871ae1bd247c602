"""The files of the index under data_dir: the fingerprint of knowledge/, atomic JSON writes, the ingest
lock, the cyclic garbage collector paused for a build, and dropping the snapshots no longer
served together with their vectors."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import logging
import os
import shutil
import uuid
from pathlib import Path

from retrieval.chunking import CHUNKER_VERSION
from retrieval.errors import KnowledgeFileError
from retrieval.file_digests import FileDigests
from retrieval.snapshot import KEYS
from retrieval.vectors import VectorStore

log = logging.getLogger(__name__)
INDEX_FORMAT = "5"  # bump when the snapshot layout or the search text changes


def knowledge_fingerprint(knowledge_dir: Path, config: str = "", digests: FileDigests | None = None) -> str:
    """sha256 over every file of knowledge/ (relative name + the digest of its bytes), the chunker version
    and `config`. `digests`: those remembered (a file whose stat is unchanged is not read)."""
    digest = hashlib.sha256(f"{INDEX_FORMAT}|{CHUNKER_VERSION}|{config}".encode())
    if not knowledge_dir.is_dir():
        raise KnowledgeFileError(f"{knowledge_dir}: knowledge directory not found")
    digests = digests if digests is not None else FileDigests()
    for rel, path, stat in digests.files(knowledge_dir):
        try:
            digest.update(f"{rel}\0{digests.digest(path, stat)}\0".encode())
        except OSError as exc:
            raise KnowledgeFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return digest.hexdigest()


COPIED = "knowledge_digests.json"  # in a snapshot: the digest of each file of its knowledge copy


def _copied(snapshot: Path | None) -> dict[str, str]:
    try:
        found = json.loads((snapshot / COPIED).read_text(encoding="utf-8")) if snapshot is not None else {}
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def copy_knowledge(knowledge_dir: Path, snapshot: Path, previous: Path | None, digests: FileDigests,
                   indexed: dict[str, tuple[str, str]] | None = None) -> None:
    """Copy knowledge/ (hidden files left out) to the snapshot's `knowledge/`; a file whose digest is that
    of the previous snapshot's copy is hard-linked to that copy instead (snapshot copies are never written
    to, so the digests a snapshot records of its copy stay true). `indexed`: the documents' texts as the
    build read them, and their digests, by file: what their copies hold (should a file change meanwhile)."""
    before, copied, made, indexed = _copied(previous), {}, set(), indexed or {}
    found = {rel: (path, stat) for rel, path, stat in digests.files(knowledge_dir)}
    into, old = os.path.join(snapshot, "knowledge"), previous is not None and os.path.join(previous, "knowledge")
    for rel in found.keys() | indexed.keys():  # a document's file written since the listing is copied too
        dest = os.path.join(into, rel)  # strings: Path objects cost more than the syscalls, 500 times
        if (parent := os.path.dirname(dest)) not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        path, stat = found.get(rel, (os.path.join(knowledge_dir, rel), None))
        text, digest = indexed.get(rel) or (None, digests.digest(path, stat))
        if old and before.get(rel) == digest and _linked(os.path.join(old, rel), dest):
            copied[rel] = digest
            continue
        data, copied[rel] = (text.encode("utf-8"), digest) if text is not None else digests.read(path)
        with open(dest, "wb") as fh:
            fh.write(data)  # exactly the bytes of the digest recorded
        if stat is not None:
            shutil.copystat(path, dest)
    write_json(snapshot / COPIED, copied)


def _linked(source: str, dest: str) -> bool:
    try:
        link_or_copy(source, dest)
        return True
    except OSError:  # the previous copy is gone (dropped meanwhile): copied from knowledge/
        return False


def link_or_copy(source: str | Path, dest: str | Path) -> None:
    """A hard link to `source`, a file of an earlier snapshot (never written to in place), else a copy."""
    try:
        os.link(source, dest)
    except OSError:  # another file system, or no hard links
        shutil.copy2(source, dest)


def write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # atomic: readers see the old or the new file, never half of one


def read_pointer(path: Path) -> dict | None:
    """A pointer to the snapshot in service; an unreadable or malformed one counts as none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        log.warning("the index pointer %s is malformed; rebuilding", path.name)
        return None
    return data


def served_elsewhere(data_dir: Path, pointer: Path) -> set[str]:
    """Snapshots the other pointers (another vector store or embedding) still serve."""
    names = set()
    for path in data_dir.glob("current-*.json"):
        if path != pointer:
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(path.read_text(encoding="utf-8"))
                names |= {data.get("name"), data.get("previous")}
    return names


@contextlib.contextmanager
def lock(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def paused_gc():
    """The cyclic collector off while a snapshot is built and loaded. Its collections walk every live
    object, and a process serving a large index holds millions (the index in service): at 100× the
    build's allocations set off collections worth 0.12–0.2 s of a 0.8 s document addition, for
    temporaries that reference counting frees anyway. Nothing is freed later than it would be: cycles
    made meanwhile wait for the next collection after. Nested or concurrent pauses leave it as found."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def collection_of(snapshot: Path | None) -> str | None:
    """The collection a snapshot's vectors are in (its vectors are all there while it is in service)."""
    try:
        return json.loads((snapshot / "meta.json").read_text(encoding="utf-8")).get("collection") if snapshot else None
    except (OSError, ValueError, AttributeError):
        return None


def vectors_of(directory: Path, known: dict[str, set[str]] | None = None) -> tuple[str | None, set[str]]:
    """(the collection, the keys) of a snapshot's vectors; (None, ∅) for an incomplete one. `known`: the
    keys of snapshots the caller holds in memory, by name (not read again)."""
    try:
        collection = json.loads((directory / "meta.json").read_text(encoding="utf-8")).get("collection")
        keys = (known or {}).get(directory.name)
        return collection, keys if keys is not None else set(json.loads((directory / KEYS).read_text(encoding="utf-8")))
    except (OSError, ValueError, AttributeError):
        return None, set()


def drop_snapshots(indexes: Path, served: str, keep: set[str | None], store: VectorStore,
                   known: dict[str, set[str]] | None = None) -> None:
    """Drop every snapshot directory under `indexes` not in `keep`, with its collection (LSA) or its
    vectors in the collection `served` shares with them (those no kept snapshot has). `known`: the keys
    of the snapshots the caller holds (vectors_of)."""
    shared = collection_of(indexes / served)
    gone: set[str] = set()
    for directory in indexes.iterdir():
        if directory.name not in keep:
            collection, keys = vectors_of(directory)
            gone |= keys if collection == shared else set()
            store.drop(directory.name)
            shutil.rmtree(directory, ignore_errors=True)
    if shared is not None and shared != served:
        kept = [vectors_of(d, known) for d in indexes.iterdir()]
        store.prune(shared, gone, set().union(*(k for c, k in kept if c == shared)))
