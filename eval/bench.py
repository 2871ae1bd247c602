"""`chainqa bench [--json] [--quick]`: answer and retrieval latency, ingestion, /api/chat load, scale.

Every corpus is measured in its own subprocess (`python -m eval.bench --worker …`), so its peak RSS is its
own; the 1× corpus is knowledge/ itself (read only), the larger ones are synthetic (eval/synthetic.py) and
live in a temporary directory with every index the bench builds. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from eval import bench_e5
from eval.process import free_port, http_ok, running, venv_bin
from eval.stats import p50_p95

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "eval" / "datasets" / "chainqa.jsonl"
WARMUP = 20
WARMUP_SET = ROOT / "eval" / "datasets" / "dev2.jsonl"  # warms the model and imports, not the timed questions


@dataclass(frozen=True)
class Plan:
    factors: tuple[int, ...] = (1, 10, 100)
    questions: int | None = None  # None: every question of the dataset
    api_seconds: float = 15.0
    clients: int = 16
    make_run: bool = True  # also time `chainqa ingest` (up to date) before `serve`, as `make run` does
    e5_cold: bool = False  # also build an e5 index on an empty embedding cache (every chunk embedded)


FULL = Plan(e5_cold=True)
QUICK = Plan(factors=(1, 10), questions=100, api_seconds=3.0, make_run=False)


def load_questions(limit: int | None = None, dataset: Path = DATASET) -> list[dict]:
    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [{"question": r["question"], "history": r.get("history") or []} for r in rows]
    if limit is None or limit >= len(cases):
        return cases
    return [cases[i * len(cases) // limit] for i in range(limit)]  # spread over every category


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM (the peak resident set) of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# --- one corpus, in a worker process -------------------------------------------------------------

def measure_corpus(knowledge_dir: Path, data_dir: Path, limit: int | None, embedding: str) -> dict:
    """Ingest `knowledge_dir` into `data_dir`, then time answers and hybrid searches over the questions."""
    from assistant.answer import Turn
    from assistant.service import Service
    from retrieval.index import KnowledgeIndex

    started = time.perf_counter()
    stats = KnowledgeIndex.ingest(knowledge_dir, data_dir, embedding=embedding, rebuild=True)
    ingest_s = time.perf_counter() - started
    settings = Settings(knowledge_dir=knowledge_dir, data_dir=data_dir, embedding=embedding, engine="offline",
                        chroma_url=None, store_url=None)
    service = Service.build(settings)
    cases = [(c["question"], [Turn.model_validate(t) for t in c["history"]]) for c in load_questions(limit)]
    for c in load_questions(WARMUP, WARMUP_SET):  # other questions: each timed one is asked once, cold
        service.ask(c["question"], [Turn.model_validate(t) for t in c["history"]])
        service.index.search(c["question"])
    answer, retrieval, filtered = [], [], []
    for question, history in cases:
        t0 = time.perf_counter()
        service.ask(question, history)
        t1 = time.perf_counter()
        service.index.search(question, k=5)
        t2 = time.perf_counter()
        service.index.search(question, k=6, province="湖南" if "湖南" in question else "湖北")  # as passages do
        filtered.append((time.perf_counter() - t2) * 1000)
        retrieval.append((t2 - t1) * 1000)
        answer.append((t1 - t0) * 1000)
    return {"docs": stats["documents"], "chunks": stats["chunks"], "ingest_s": round(ingest_s, 3),
            "index_bytes": sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()), "questions": len(cases),
            "answer_latency_ms": p50_p95(answer), "retrieval_latency_ms": p50_p95(retrieval),
            "filtered_retrieval_latency_ms": p50_p95(filtered), "peak_rss_mb": peak_rss_mb()}


def scale_run(settings: Settings, factor: int, workdir: Path, limit: int | None) -> dict:
    """One corpus of `factor` × the real documents (1 = knowledge/ itself, read only), in a worker process."""
    from eval.synthetic import generate

    knowledge = settings.knowledge_dir
    if factor > 1:
        knowledge = Path(generate(settings.knowledge_dir, workdir / f"knowledge-{factor}x", factor)["knowledge_dir"])
    # the synthetic corpora measure how search scales: on LSA, so a first run on a machine does not embed
    # 30,000 new chunks with e5 (e5's own latency and build times are measured apart, eval/bench_e5.py)
    embedding = settings.embedding if factor == 1 else "lsa"
    cmd = [sys.executable, "-m", "eval.bench", "--worker", str(knowledge), str(workdir / f"data-{factor}x"),
           str(limit or 0), embedding]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker failed ({proc.returncode}): {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["factor"], result["synthetic"] = factor, factor > 1
    return result


# --- the HTTP API, in a server process -------------------------------------------------------------

def _server_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINQA_", "OPENAI_"))}
    # the per-IP rate limit (600/min) would turn a one-client load test into 429s: lift it here only
    env.update(CHAINQA_DATA_DIR=str(data_dir), CHAINQA_KNOWLEDGE_DIR=str(settings.knowledge_dir),
               CHAINQA_EMBEDDING=settings.embedding, CHAINQA_ENGINE="offline",
               CHAINQA_RATE_PER_MINUTE="100000000", CHAINQA_RATE_BURST="100000000",
               CHAINQA_ANSWER_CACHE_SIZE="0")  # the bench measures answering, not the answer cache
    return env


async def drive(base: str, questions: list[str], seconds: float, clients: int) -> dict:
    """`clients` concurrent loops POSTing /api/chat for `seconds`; any non-200 or exception is an error."""
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        i = n
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                r = await http.post("/api/chat", json={"question": questions[i % len(questions)], "history": []})
                ok = r.status_code == 200 and "answer" in r.json()
            except (httpx.HTTPError, ValueError):
                ok = False
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += not ok
            i += clients

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=10.0, limits=limits) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {"rps": round((len(latencies) - errors) / elapsed, 1),
            "p95_ms": p50_p95(latencies)["p95"], "errors": errors, "requests": len(latencies)}


def api_run(settings: Settings, data_dir: Path, plan: Plan, questions: list[str]) -> dict:
    """`make run` on the index in `data_dir`: `chainqa serve` until /healthz is 200; then load /api/chat
    and read the server's peak RSS."""
    port, env = free_port(), _server_env(settings, data_dir)
    base = f"http://127.0.0.1:{port}"
    cmd = [venv_bin("chainqa"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryDirectory() as logs, \
            running(cmd, http_ok(f"{base}/healthz"), log_path=Path(logs) / "serve.log", cwd=ROOT, env=env,
                    timeout=120) as (proc, ready_s):
        _run_loop(drive(base, questions[:WARMUP], 1.0, 2))  # warm-up, not measured
        api = _run_loop(drive(base, questions, plan.api_seconds, plan.clients))
        rss = peak_rss_mb(proc.pid)
    # `make run` is `chainqa serve`, which checks (and if needed builds) the index itself
    return {"api": api, "server_peak_rss_mb": rss, "server_ready_s": round(ready_s, 2),
            "make_run_ready_s": round(ready_s, 2) if plan.make_run else None}


# --- the whole run ------------------------------------------------------------------------------

def run(settings: Settings, plan: Plan) -> tuple[dict, dict]:
    """(the report with exactly the issue's keys, extras: index size, server readiness, goals)."""
    load = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure: say how much
    with tempfile.TemporaryDirectory(prefix="chainqa-bench-") as tmp:
        workdir = Path(tmp)
        scale = [scale_run(settings, f, workdir, plan.questions) for f in plan.factors]
        base = scale[0]
        questions = [c["question"] for c in load_questions(plan.questions)]
        served = api_run(settings, workdir / f"data-{plan.factors[0]}x", plan, questions)
        e5 = bench_e5.measure(settings.knowledge_dir, workdir, questions, plan.e5_cold)
    report = {
        "answer_latency_ms": base["answer_latency_ms"], "retrieval_latency_ms": base["retrieval_latency_ms"],
        "ingest_s": base["ingest_s"],
        "api": {k: served["api"][k] for k in ("rps", "p95_ms", "errors")},
        "scale": [{"docs": s["docs"], "chunks": s["chunks"], "ingest_s": s["ingest_s"],
                   "retrieval_p95_ms": s["retrieval_latency_ms"]["p95"],
                   "answer_p95_ms": s["answer_latency_ms"]["p95"], "peak_rss_mb": s["peak_rss_mb"]} for s in scale],
        "server_peak_rss_mb": served["server_peak_rss_mb"],
    }
    extras = {"index_bytes": base["index_bytes"], "server_ready_s": served["server_ready_s"],
              "make_run_ready_s": served["make_run_ready_s"],
              "api_requests": served["api"]["requests"], "questions": base["questions"],
              "synthetic": [s["factor"] for s in scale if s["synthetic"]], "load_avg_1m": load,
              "filtered_retrieval_p95_ms": [s["filtered_retrieval_latency_ms"]["p95"] for s in scale], "e5": e5}
    extras["goals"] = goals(report, extras)
    return report, extras


def goals(report: dict, extras: dict) -> dict[str, bool | None]:
    first, last = report["scale"][0], report["scale"][-1]
    growth = last["retrieval_p95_ms"] / max(first["retrieval_p95_ms"], 1e-9)
    at_100 = len(report["scale"]) > 2 and last["docs"] >= 100 * first["docs"]
    return {"answer_p95_ms_1x<=30": report["answer_latency_ms"]["p95"] <= 30,
            "api_rps>=200_and_0_errors": report["api"]["rps"] >= 200 and report["api"]["errors"] == 0,
            "retrieval_p95_100x<=3x_1x": (growth <= 3) if at_100 else None,
            "ingest_s_1x<10": report["ingest_s"] < 10,
            "server_ready_s<15": extras["server_ready_s"] < 15,
            "make_run_ready_s<15": None if extras["make_run_ready_s"] is None else extras["make_run_ready_s"] < 15}


def render(report: dict, extras: dict) -> str:
    a, r, api = report["answer_latency_ms"], report["retrieval_latency_ms"], report["api"]
    lines = [
        f"answer latency (in-process, {extras['questions']} questions): p50 {a['p50']} ms, p95 {a['p95']} ms",
        f"retrieval latency (hybrid, k=5): p50 {r['p50']} ms, p95 {r['p95']} ms",
        f"ingest of knowledge/: {report['ingest_s']} s, index size {extras['index_bytes'] / 1e6:.1f} MB",
        f"/api/chat: {api['rps']} req/s, p95 {api['p95_ms']} ms, {api['errors']} errors "
        f"({extras['api_requests']} requests); peak RSS {report['server_peak_rss_mb']} MB",
        f"ready: serve {extras['server_ready_s']} s after start; make run (ingest check + serve) "
        + (f"{extras['make_run_ready_s']} s" if extras["make_run_ready_s"] is not None else "not measured"),
        "scale: docs, chunks, ingest s, retrieval p95 ms (unfiltered | province filter), answer p95 ms, "
        "peak RSS MB (>1× synthetic):"]
    for s, filt in zip(report["scale"], extras["filtered_retrieval_p95_ms"], strict=True):
        lines.append(f"  {s['docs']:5d} {s['chunks']:7d} {s['ingest_s']:8.2f} {s['retrieval_p95_ms']:8.2f} | "
                     f"{filt:8.2f} {s['answer_p95_ms']:8.2f} {s['peak_rss_mb']:8.1f}")
    lines.append(bench_e5.render(extras["e5"]))
    lines.append(f"load average at start: {extras['load_avg_1m']} ({os.cpu_count()} cores)")
    lines += [f"goal {name}: {'met' if ok else 'not measured' if ok is None else 'NOT met'}"
              for name, ok in extras["goals"].items()]
    return "\n".join(lines)


def main(settings: Settings, as_json: bool = False, quick: bool = False, plan: Plan | None = None) -> int:
    """The CLI entry: measure, print (one JSON object with --json), exit 0 when everything ran."""
    report, extras = run(settings, plan or (QUICK if quick else FULL))
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        print(json.dumps({"extras": extras}, ensure_ascii=False), file=sys.stderr)
    else:
        print(render(report, extras))
    return 0


def _worker_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench")
    p.add_argument("--worker", nargs=4, required=True, metavar=("KNOWLEDGE", "DATA", "QUESTIONS", "EMBEDDING"))
    knowledge, data, limit, embedding = p.parse_args(argv).worker
    print(json.dumps(measure_corpus(Path(knowledge), Path(data), int(limit) or None, embedding)))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))


def _run_loop(coro):
    """asyncio.run on a thread of its own, so it works even when the caller already runs a loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
