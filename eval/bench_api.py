"""`chainqa bench`, the HTTP part: one `chainqa serve` on loopback over the 1× index (answer cache off,
rate limit lifted), ready when /healthz is 200 and /ui serves; then, one after the other and each from a
load-generator process of its own (eval/load.py): the floor route (/livez: the framework and our
middleware, no work), /api/chat on table asks, /api/chat on free-text asks that each need a new query
embedding (with /healthz probed throughout), and /api/tools. The server's peak RSS is read at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from assistant.config import Settings
from eval.process import free_port, http_ok, peak_rss_mb, running, venv_bin

ROOT = Path(__file__).resolve().parent.parent
TOOL = "/api/tools/chain_leader?chain=" + quote("芯片")


def server_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINQA_", "OPENAI_"))}
    # the per-IP rate limit (600/min) would turn a one-client load test into 429s: lift it here only
    env.update(CHAINQA_DATA_DIR=str(data_dir), CHAINQA_KNOWLEDGE_DIR=str(settings.knowledge_dir),
               CHAINQA_EMBEDDING=settings.embedding, CHAINQA_ENGINE="offline",
               CHAINQA_RATE_PER_MINUTE="100000000", CHAINQA_RATE_BURST="100000000",
               CHAINQA_ANSWER_CACHE_SIZE="0")  # the bench measures answering, not the answer cache
    return env


def load(port: int, requests: list, seconds: float, clients: int, **extra) -> dict:
    """One run of eval/load.py in a process of its own (it must not share this process's GIL)."""
    spec = {"port": port, "seconds": seconds, "clients": clients, "requests": requests, **extra}
    proc = subprocess.run([sys.executable, "-m", "eval.load"], input=json.dumps(spec, ensure_ascii=False), cwd=ROOT,
                          capture_output=True, text=True, timeout=seconds + 120)
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def chat(questions: list[str]) -> list:
    return [["POST", "/api/chat", json.dumps({"question": q, "history": []}, ensure_ascii=False)] for q in questions]


def _ready(base: str):
    health, ui = http_ok(f"{base}/healthz"), http_ok(f"{base}/ui/")
    return lambda: health() and ui()


def measure(settings: Settings, data_dir: Path, table: list[str], free: list[str], seconds: float,
            clients: int) -> dict:
    """Every HTTP figure of the bench, on one server."""
    port, env = free_port(), server_env(settings, data_dir)
    base = f"http://127.0.0.1:{port}"
    cmd = [venv_bin("chainqa"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryDirectory() as logs, \
            running(cmd, _ready(base), log_path=Path(logs) / "serve.log", cwd=ROOT, env=env,
                    timeout=120) as (proc, ready_s):
        load(port, chat(table[:20]) + [["GET", TOOL, None]], 1.0, 4)  # warm-up, not measured
        out = {"ready_s": round(ready_s, 2),
               "floor": load(port, [["GET", "/livez", None]], seconds, clients),
               "chat_table": load(port, chat(table), seconds, clients, expect='"answer"'),
               "chat_free_text": load(port, chat(free), seconds, clients, expect='"answer"', probe="/healthz",
                                      probe_every_s=0.1),
               "tools": load(port, [["GET", TOOL, None]], seconds, clients)}
        out["server_peak_rss_mb"] = peak_rss_mb(proc.pid)
    return out


def cli_wall_s(settings: Settings, data_dir: Path, argv: list[str], runs: int = 3) -> float:
    """The best of `runs` wall times of `chainqa ARGV` on a built index (interpreter start included)."""
    env = server_env(settings, data_dir)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run([venv_bin("chainqa"), *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"chainqa {' '.join(argv)} failed: {proc.stderr[-1000:]}")
        best = min(best, time.perf_counter() - started)
    return round(best, 2)
