"""Load test: start `chainqa serve` on a loopback port (its own data dir, raised rate limits, offline
engine) and drive it with N concurrent clients for T seconds; print throughput, latency percentiles and
errors as JSON.

    python -m eval.loadtest --clients 50 --duration 60 --output data/loadtest.json

Bounded in time (the run stops at T, plus at most one request timeout) and in count (--max-requests).
Only loopback: the server binds 127.0.0.1 and the clients connect there; nothing else is reachable."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything but loopback
QUESTIONS = (  # a mix the offline engine answers from the registry, the documents, or refuses
    "湖北芯片这条链谁是链长？", "湖北汽车产业链的链长是谁？", "湖南工程机械产业集群由哪位省领导联系？",
    "湖北的问题办理机制是怎样的？", "什么是五图作业？", "湖南的八个一工作推进机制是什么？",
    "湖北链长制实施方案是哪年发布的？", "广东省的链长是谁？", "湖北有多少条重点产业链？",
    "企业遇到融资难该找哪个部门？",
)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    engines: Counter = field(default_factory=Counter)
    started: int = 0

    @property
    def done(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(data_dir: Path, rate_per_minute: float, burst: int) -> dict[str, str]:
    """The parent's environment without LLM credentials or CHAINQA_* overrides, plus the run's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINQA_", "OPENAI_"))}
    env.update({"CHAINQA_DATA_DIR": str(data_dir), "CHAINQA_ENGINE": "offline",
                "CHAINQA_RATE_PER_MINUTE": str(rate_per_minute), "CHAINQA_RATE_BURST": str(burst),
                "PYTHONUNBUFFERED": "1"})
    return env


def chainqa_bin() -> str:
    local = Path(sys.executable).parent / "chainqa"
    return str(local) if local.exists() else (shutil.which("chainqa") or "chainqa")


@contextlib.contextmanager
def running_server(data_dir: Path, *, rate_per_minute: float = 1e9, burst: int = 10**9,
                   startup_timeout: float = 180.0, log_path: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`chainqa serve` on a free loopback port until the block ends; yields (base_url, process) once
    /healthz is ok. The server runs in `data_dir` as its working directory (so no .env is read)."""
    port = free_port()
    log_path = log_path or data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen([chainqa_bin(), "serve", "--host", HOST, "--port", str(port)], cwd=data_dir,
                                env=server_env(data_dir, rate_per_minute, burst), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{HOST}:{port}"
    try:
        wait_ready(url, proc, startup_timeout, log_path)
        yield url, proc
    finally:
        stop(proc)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"chainqa serve exited with {proc.returncode}:\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"chainqa serve was not ready within {timeout:.0f} s (log: {log_path})")


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: only the process this module started."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


async def one_request(client: httpx.AsyncClient, question: str, stream: bool, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        if stream:
            async with client.stream("POST", "/api/chat/stream", json={"question": question}) as r:
                body = (await r.aread()).decode("utf-8")
            ok = r.status_code == 200 and '"answer":{' in body.rsplit("data:", 1)[-1]
            engine = "stream"
        else:
            r = await client.post("/api/chat", json={"question": question})
            ok = r.status_code == 200 and bool(r.json().get("answer"))
            engine = r.json().get("engine", "?") if ok else ""
    except httpx.TimeoutException:
        tally.errors["timeout"] += 1
        return
    except (httpx.HTTPError, ValueError) as exc:
        tally.errors[type(exc).__name__] += 1
        return
    if not ok:
        tally.errors[f"http {r.status_code}" if r.status_code != 200 else "bad body"] += 1
        return
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)
    tally.engines[engine] += 1


async def client_loop(n: int, url: str, deadline: float, args, tally: Tally) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one connection per client
    async with httpx.AsyncClient(base_url=url, timeout=args.request_timeout, limits=limits) as client:
        i = n
        while time.monotonic() < deadline and tally.started < args.max_requests:
            tally.started += 1
            stream = args.stream_every > 0 and i % args.stream_every == 0
            await one_request(client, QUESTIONS[i % len(QUESTIONS)], stream, tally)
            i += 1


async def drive(url: str, args) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    deadline = started + args.duration
    tasks = [asyncio.create_task(client_loop(n, url, deadline, args, tally)) for n in range(args.clients)]
    _done, late = await asyncio.wait(tasks, timeout=args.duration + args.request_timeout + 5)
    for task in late:  # cannot happen with the per-request timeout; a hard stop all the same
        task.cancel()
    return tally, time.monotonic() - started


def summary(tally: Tally, seconds: float, args, startup_s: float, server_log: str) -> dict:
    lat = tally.latencies_ms
    return {
        "clients": args.clients, "duration_s": args.duration, "elapsed_s": round(seconds, 2),
        "startup_s": round(startup_s, 2), "requests": tally.done, "ok": len(lat),
        "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
        "throughput_rps": round(len(lat) / seconds, 2) if seconds else 0.0,
        "latency_ms": {"p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
                       "max": round(max(lat), 2) if lat else None,
                       "mean": round(sum(lat) / len(lat), 2) if lat else None},
        "engines": dict(tally.engines), "stream_every": args.stream_every,
        "server_5xx_or_tracebacks": server_log.count("Traceback") + server_log.count('"status": 5'),
        "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="chainqa loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--stream-every", type=int, default=5, help="every n-th request uses /api/chat/stream (0: never)")
    p.add_argument("--data-dir", type=Path, help="the server's data dir (default: a new temporary one)")
    p.add_argument("--startup-timeout", type=float, default=180.0)
    p.add_argument("--output", type=Path, help="also write the JSON summary here")
    p.add_argument("--max-errors", type=int, default=0, help="exit 1 when more requests than this fail")
    args = p.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.max_requests < 1 or args.request_timeout <= 0:
        p.error("--clients, --duration, --max-requests and --request-timeout must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    """`chainqa loadtest [--clients N] [--duration T] …`: exit 0 when errors <= --max-errors."""
    args = _args(argv)
    tmp = None if args.data_dir else tempfile.mkdtemp(prefix="chainqa-load-")
    data_dir = args.data_dir or Path(tmp)
    log_path = data_dir / "loadtest-server.log"
    try:
        started = time.monotonic()
        with running_server(data_dir, startup_timeout=args.startup_timeout, log_path=log_path) as (url, _proc):
            startup_s = time.monotonic() - started
            with ThreadPoolExecutor(1) as pool:  # a loop of its own, even when the caller runs one
                tally, seconds = pool.submit(asyncio.run, drive(url, args)).result()
        result = summary(tally, seconds, args, startup_s, log_path.read_text(encoding="utf-8", errors="replace"))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0 if result["errors"] <= args.max_errors else 1


if __name__ == "__main__":
    sys.exit(main())
