"""A real `chroma run` server on a loopback port, for the server-mode tests (eval/process.py starts it)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from eval.process import HOST, free_port, http_ok, running, venv_bin

CHROMA = Path(venv_bin("chroma"))
__all__ = ["CHROMA", "free_port", "running_chroma"]


@contextlib.contextmanager
def running_chroma(directory: Path, port: int | None = None) -> Iterator[tuple[str, object]]:
    """Start `chroma run` storing under `directory`; yield its URL and process; stop it afterwards."""
    port = port or free_port()
    url = f"http://{HOST}:{port}"
    cmd = [str(CHROMA), "run", "--host", HOST, "--port", str(port), "--path", str(directory / "db")]
    with running(cmd, http_ok(f"{url}/api/v2/heartbeat"), log_path=directory / "chroma.log", timeout=45) as (proc, _):
        yield url, proc
