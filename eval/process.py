"""The one helper for the server processes the bench, the load test and the tests start on loopback
(`chainqa serve`, `chroma run`, `redis-server`, PostgreSQL): a free port, start, wait until ready,
stop. Only the process started here is ever signalled, by its id."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # never anything but loopback


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM (the peak resident set) of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def venv_bin(name: str) -> str:
    """A console script of this environment (chainqa, chroma), else from PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def http_ok(url: str) -> Callable[[], bool]:
    def probe() -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(url, timeout=2).status_code == 200
        return False

    return probe


def port_open(port: int) -> Callable[[], bool]:
    def probe() -> bool:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return True
        return False

    return probe


def wait_ready(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float, log_path: Path | None) -> float:
    """Seconds until `ready()`; raises with the log's tail if the process exits or time runs out."""
    started = time.monotonic()
    name = _name(proc)
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{_tail(log_path)}")
        if ready():
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"{name} was not ready within {timeout:.0f} s:\n{_tail(log_path)}")


def _name(proc: subprocess.Popen) -> str:
    args = proc.args
    first = args[0] if isinstance(args, list | tuple) and args else args
    return os.fsdecode(first) if isinstance(first, str | bytes | os.PathLike) else str(first)


def _tail(log_path: Path | None) -> str:
    if log_path is None or not log_path.exists():
        return ""
    return log_path.read_text(encoding="utf-8", errors="replace")[-2000:]


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: only the process this module started (and its own
    session's children, e.g. uvicorn's workers)."""
    if proc.poll() is not None:
        return
    _signal(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal(proc, signal.SIGKILL)
        proc.wait(timeout=grace)


def _signal(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(proc.pid) == proc.pid:  # started with start_new_session: the group is ours alone
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)


@contextlib.contextmanager
def running(cmd: Sequence[str], ready: Callable[[], bool], *, log_path: Path, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 60.0, user: str | None = None
            ) -> Iterator[tuple[subprocess.Popen, float]]:
    """Start `cmd` (its output to `log_path`, in a session of its own), yield (process, seconds until
    ready) once `ready()` holds, stop it when the block ends."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, user=user)
    try:
        yield proc, wait_ready(proc, ready, timeout, log_path)
    finally:
        stop(proc)


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A throw-away `redis-server` on a free loopback port, no persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (scripts/ensure_services.sh installs it)")
    port = free_port()
    cmd = [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", str(directory)]
    with running(cmd, port_open(port), log_path=directory / "redis.log", timeout=30):
        yield f"redis://{HOST}:{port}/0"
