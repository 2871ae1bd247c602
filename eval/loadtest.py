"""Load test: start `chainqa serve` on a loopback port (its own data dir, offline engine), by default two
workers sharing one rate limit through a `redis-server` it starts too, and drive it with N concurrent
clients for T seconds; print throughput, latency percentiles, errors and how the rate limit held.

    chainqa loadtest --clients 50 --duration 60 --output data/loadtest.json

Each client is its own rate-limit identity: the load test acts as the trusted proxy in front (the
server trusts 127.0.0.1) and names each client in X-Forwarded-For (a loopback-range string; nothing is
sent there). An error is anything but a 200 with an answer or a 429 with Retry-After. Bounded in time
(the run stops at T, plus at most one request timeout) and in count (--max-requests). Only loopback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eval import load_clients
from eval.load_clients import QUESTIONS, Tally, one_request
from eval.process import HOST, free_port, http_ok, redis_server, running, venv_bin
from eval.stats import percentile

__all__ = ["HOST", "QUESTIONS", "main", "one_request", "running_server", "server_env"]


def server_env(data_dir: Path, rate_per_minute: float, burst: int, redis_url: str | None = None) -> dict[str, str]:
    """The parent's environment without LLM credentials or CHAINQA_* overrides, plus the run's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINQA_", "OPENAI_"))}
    env.update({"CHAINQA_DATA_DIR": str(data_dir), "CHAINQA_ENGINE": "offline",
                "CHAINQA_RATE_PER_MINUTE": str(rate_per_minute), "CHAINQA_RATE_BURST": str(burst),
                "CHAINQA_TRUSTED_PROXIES": json.dumps([HOST]), "PYTHONUNBUFFERED": "1"})
    if redis_url:
        env["CHAINQA_REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def running_server(data_dir: Path, *, rate_per_minute: float = 1e9, burst: int = 10**9, workers: int = 1,
                   redis_url: str | None = None, startup_timeout: float = 180.0,
                   log_path: Path | None = None) -> Iterator[tuple[str, object]]:
    """`chainqa serve` on a free loopback port until the block ends; yields (base_url, process) once
    /healthz is ok. The server runs in `data_dir` as its working directory (so no .env is read)."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    cmd = [venv_bin("chainqa"), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    log_path = log_path or data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    healthy = http_ok(f"{url}/healthz")
    offset = log_path.stat().st_size if log_path.exists() else 0  # the log may hold earlier runs

    def ready() -> bool:  # every worker has built its service (the lifespan ends with its index loaded)
        with log_path.open("rb") as fh:
            fh.seek(offset)
            started = fh.read().count(b"Application startup complete")
        return started >= workers and healthy()

    env = server_env(data_dir, rate_per_minute, burst, redis_url)
    if workers > 1:  # build the index once first: workers racing to build it may serve 503 while one waits
        subprocess.run([venv_bin("chainqa"), "ingest"], cwd=data_dir, env=env, check=True, capture_output=True,
                       timeout=startup_timeout)
    with running(cmd, ready, log_path=log_path, cwd=data_dir, env=env, timeout=startup_timeout) as (proc, _):
        yield url, proc


def summary(tally: Tally, seconds: float, args, startup_s: float, server_log: str) -> dict:
    lat = tally.latencies_ms
    return {
        "clients": args.clients, "workers": args.workers, "duration_s": args.duration,
        "elapsed_s": round(seconds, 2), "startup_s": round(startup_s, 2), "requests": tally.done, "ok": len(lat),
        "limited": len(tally.limited_ms), "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
        "throughput_rps": round(len(lat) / seconds, 2) if seconds else 0.0,
        "latency_ms": {"p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
                       "max": round(max(lat), 2) if lat else None,
                       "mean": round(sum(lat) / len(lat), 2) if lat else None},
        "limited_latency_ms": {"p50": percentile(tally.limited_ms, 50), "p95": percentile(tally.limited_ms, 95)},
        "rate_limit": load_clients.rate_report(tally, args), "engines": dict(tally.engines),
        "stream_every": args.stream_every,
        "server_5xx_or_tracebacks": server_log.count("Traceback") + server_log.count('"status": 5'),
        "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="chainqa loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    p.add_argument("--workers", type=int, default=2, help="server processes on one port (default 2)")
    p.add_argument("--redis-url", help="share the rate limit through this Redis (default: start one when workers > 1)")
    p.add_argument("--rate-per-minute", type=float, default=120.0, help="per client; 0: no limit (default 120)")
    p.add_argument("--burst", type=int, default=10, help="per client (default 10)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--stream-every", type=int, default=5, help="every n-th request uses /api/chat/stream (0: never)")
    p.add_argument("--data-dir", type=Path, help="the server's data dir (default: a new temporary one)")
    p.add_argument("--startup-timeout", type=float, default=180.0)
    p.add_argument("--output", type=Path, help="also write the JSON summary here")
    p.add_argument("--max-errors", type=int, default=0, help="exit 1 when more requests than this fail")
    args = p.parse_args(argv)
    if min(args.clients, args.workers, args.max_requests) < 1 or args.duration <= 0 or args.request_timeout <= 0:
        p.error("--clients, --workers, --duration, --max-requests and --request-timeout must be positive")
    return args


def _run(args, data_dir: Path, log_path: Path, redis_url: str | None) -> dict:
    limited = args.rate_per_minute > 0
    started = time.monotonic()
    with running_server(data_dir, rate_per_minute=args.rate_per_minute if limited else 1e9,
                        burst=args.burst if limited else 10**9, workers=args.workers, redis_url=redis_url,
                        startup_timeout=args.startup_timeout, log_path=log_path) as (url, _proc):
        startup_s = time.monotonic() - started
        with ThreadPoolExecutor(1) as pool:  # a loop of its own, even when the caller runs one
            tally, seconds = pool.submit(asyncio.run, load_clients.drive(url, args)).result()
    return summary(tally, seconds, args, startup_s, log_path.read_text(encoding="utf-8", errors="replace"))


def main(argv: list[str] | None = None) -> int:
    """`chainqa loadtest [--clients N] [--duration T] …`: exit 0 when errors <= --max-errors and the
    rate limit held (no client above its allowance, no 429 below it)."""
    args = _args(argv)
    tmp = None if args.data_dir else tempfile.mkdtemp(prefix="chainqa-load-")
    data_dir = Path(args.data_dir) if args.data_dir else Path(str(tmp))
    try:
        with contextlib.ExitStack() as stack:
            redis_url = args.redis_url
            if redis_url is None and args.workers > 1 and args.rate_per_minute > 0:
                try:
                    redis_url = stack.enter_context(redis_server(data_dir))
                except FileNotFoundError as exc:
                    raise SystemExit(f"{exc}; or pass --redis-url, or --workers 1") from None
            result = _run(args, data_dir, data_dir / "loadtest-server.log", redis_url)
        result["redis"] = bool(redis_url)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    held = result["rate_limit"] is None or result["rate_limit"]["held"]
    return 0 if result["errors"] <= args.max_errors and held else 1


if __name__ == "__main__":
    sys.exit(main())
