"""sha256 digests of the knowledge files, remembered in data_dir by each file's stat, so that a build
does not read (or hash) again what has not changed since the last one: the fingerprint, the knowledge
copy and the documents' keys each went over the 9 MB of a 100× corpus.

A digest is remembered only for a file whose last change (mtime and ctime) was at least RACY_NS before
it was read. A later write sets the file's ctime to the time of that write, and no call sets a ctime
back: a stat equal to the one remembered means the bytes that were hashed. (File systems stamp a change
from a coarse clock, some to the second or two: a change in the same tick as the read would keep the
stamp, so a file changed that recently is hashed again next time, and once more when the build ends.)"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)
RACY_NS = 2_000_000_000
FILE = "knowledge_digests.json"  # under data_dir: absolute path → [dev, inode, size, mtime, ctime, digest]


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _settled(stamp: list[int]) -> bool:
    return time.time_ns() - max(stamp[3], stamp[4]) >= RACY_NS


Listing = list[tuple[str, str, os.stat_result]]  # (relative name, path, stat) of each file


def knowledge_files(knowledge_dir: Path) -> Listing:
    """Every file of knowledge/, by name; hidden files and directories (editor swap files, .DS_Store,
    .git) are left out. Paths as strings: a Path costs more than the syscall for each of 500 files."""
    found: Listing = []
    pending = [(str(knowledge_dir), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    found.append((prefix + entry.name, entry.path, entry.stat()))
    return sorted(found, key=lambda f: f[0].split("/"))


class FileDigests:
    """The digests of one build's reads (`path`: where they are remembered; None: nowhere)."""

    def __init__(self, path: Path | None = None, trusted: bool = True) -> None:
        """`trusted`: use the digests remembered at `path` (else hash every file, and remember anew)."""
        self.path = path
        self._known = self._remembered(path) if trusted else {}
        self._seen: dict[str, list] = {}  # what this build found, remembered by `save`
        self._racy: set[str] = set()  # read, but changed too recently to be remembered
        self.hashed = 0  # files hashed (the others were known by their stat)
        self._listed: dict[Path, Listing] = {}

    @staticmethod
    def _remembered(path: Path | None) -> dict[str, list]:
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def files(self, root: Path) -> Listing:
        """knowledge_files(root), as this build first found them (the fingerprint and the copy agree)."""
        if root not in self._listed:
            self._listed[root] = knowledge_files(root)
        return self._listed[root]

    def _lookup(self, key: str, stamp: list[int]) -> str | None:
        for entry in (self._seen.get(key), self._known.get(key)):
            if isinstance(entry, list) and entry[:-1] == stamp:
                self._seen[key] = entry
                return str(entry[-1])
        return None

    def digest(self, path: str | Path, stat: os.stat_result | None = None) -> str:
        """The digest of a file's bytes, read only when its stat is not one remembered."""
        known = self._lookup(os.fspath(path), _stamp(stat if stat is not None else os.stat(path)))
        return known if known is not None else self.read(path)[1]

    def read(self, path: str | Path) -> tuple[bytes, str]:
        """A file's bytes and their digest: hashed unless its stat once read is one remembered."""
        with open(path, "rb", buffering=0) as fh:  # unbuffered: readall sizes one buffer by fstat
            data = fh.readall()
            stamp = _stamp(os.fstat(fh.fileno()))
        key = os.fspath(path)
        digest = self._lookup(key, stamp)
        if digest is None:
            digest = hashlib.sha256(data).hexdigest()
            self.hashed += 1
        if _settled(stamp):
            self._seen[key] = [*stamp, digest]
            self._racy.discard(key)
        else:
            self._racy.add(key)
        return data, digest

    def save(self) -> None:
        """Remember the digests of the files this build read (those of other files are forgotten); a file
        that was changed too recently when read is read again now, when it may have settled."""
        if self.path is None:
            return
        for key in sorted(self._racy):
            with contextlib.suppress(OSError):  # gone meanwhile: forgotten
                if _settled(_stamp(os.stat(key))):
                    self.read(key)
        try:
            if self._seen != self._known:
                tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
                tmp.write_text(json.dumps(self._seen), encoding="utf-8")
                os.replace(tmp, self.path)  # atomic: another build reads the old or the new file
        except OSError as exc:  # a full disk: the next build hashes more
            log.warning("the knowledge files' digests were not remembered: %s", exc)
