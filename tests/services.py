"""Real backing servers for the tests, started by the tests on loopback (Debian's redis-server and
PostgreSQL; scripts/ensure_services.sh installs them for `make test`). Without the binary a test is
skipped on a developer's machine and fails under CI=true, where it must run."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval import process
from eval.process import HOST, free_port, port_open, running


def need(what: str, found: object) -> None:
    if found:
        return
    message = f"{what} is not installed (scripts/ensure_services.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def redis_server(directory: Path):
    """redis-server on a free loopback port (eval/process.py); yields its URL."""
    need("redis-server", shutil.which("redis-server"))
    return process.redis_server(directory)


def _pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _runner() -> tuple[str | None, int | None]:
    """PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user."""
    if os.geteuid() != 0:
        return None, None
    try:
        return "postgres", pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return None, None


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster made with initdb in a temporary directory, served on a free loopback port
    until the block ends; yields a SQLAlchemy URL (psycopg 3)."""
    bindir = _pg_bin()
    need("PostgreSQL (initdb)", bindir)
    user, uid = _runner()
    if os.geteuid() == 0 and uid is None:
        need("the postgres user (to run PostgreSQL as non-root)", None)
    root = Path(tempfile.mkdtemp(prefix="chainqa-pg-"))
    try:
        if uid is not None:
            os.chown(root, uid, -1)
        data, port = root / "data", free_port()
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "chainqa", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, user=user)
        cmd = [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(root),
               "-c", f"listen_addresses={HOST}", "-c", "fsync=off"]
        with running(cmd, port_open(port), log_path=root / "postgres.log", timeout=60, user=user):
            yield f"postgresql+psycopg://chainqa@{HOST}:{port}/postgres"
    finally:
        shutil.rmtree(root, ignore_errors=True)
