"""`chainqa bench [--json] [--quick]`: where the time goes, in one run on one machine. See
docs/PERFORMANCE.md for what each figure means.

- corpora (eval/bench_corpus.py, each in a worker process): 1× knowledge/ with the default embedding,
  and 1×/10×/100× with the hashing embedding (the larger ones synthetic, eval/synthetic.py; embedding
  100× with the model would take hours on 2 cores): full index time, Service.build, answer latency by
  kind, retrieval latency, the time to add one document, peak RSS;
- the HTTP API on one server (eval/bench_api.py): the floor route, /api/chat on table and on free-text
  asks at `clients` concurrent clients, /api/tools, readiness (/healthz and /ui), peak RSS;
- `chainqa ask` and `chainqa tool` wall time; the embedding model's own throughput (eval/bench_e5.py).
Numbers only: the goals are computed and printed, never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from eval import bench_api, bench_e5, bench_lexicon
from eval.bench_corpus import load_questions

ROOT = Path(__file__).resolve().parent.parent
TABLE_ASK = "湖北芯片这条链谁是链长？"

__all__ = ["FULL", "QUICK", "Plan", "load_questions", "main", "run"]


@dataclass(frozen=True)
class Plan:
    factors: tuple[int, ...] = (1, 10, 100)  # hashing-embedding corpora
    add_at: tuple[int, ...] = (1, 100)  # corpora on which one document is added
    questions: int | None = None  # None: every question of the dataset
    api_seconds: float = 15.0
    clients: int = 50
    e5_cold: bool = False  # also build an e5 index on an empty embedding cache (every chunk embedded)


FULL = Plan()
QUICK = Plan(factors=(1, 10), add_at=(1, 10), questions=100, api_seconds=3.0)


def corpus(settings: Settings, factor: int, embedding: str, workdir: Path, plan: Plan, add: bool) -> dict:
    """One corpus in a worker process: 1× is knowledge/ itself (read only) unless a document is added."""
    from eval.synthetic import generate

    name = f"{factor}x-{embedding}"
    knowledge = settings.knowledge_dir
    if factor > 1 or add:
        knowledge = Path(generate(settings.knowledge_dir, workdir / f"knowledge-{name}", factor)["knowledge_dir"])
    spec = {"knowledge": str(knowledge), "data": str(workdir / f"data-{name}"), "questions": plan.questions,
            "embedding": embedding, "factor": factor, "add_document": add, "variants": not add and factor == 1,
            "real_knowledge": str(settings.knowledge_dir)}
    proc = subprocess.run([sys.executable, "-m", "eval.bench_corpus", json.dumps(spec)], cwd=ROOT,
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "factor": factor, "embedding": embedding,
            "data_dir": spec["data"]}


def _api(api: dict) -> dict:
    keys = ("rps", "p50_ms", "p95_ms", "errors", "requests")
    out = {name: {k: api[name][k] for k in keys} for name in ("floor", "chat_table", "chat_free_text", "tools")}
    out["chat_free_text"]["healthz_during"] = api["chat_free_text"]["probe"]
    return out


def run(settings: Settings, plan: Plan) -> dict:
    load = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure: say how much
    with tempfile.TemporaryDirectory(prefix="chainqa-bench-") as tmp:
        workdir = Path(tmp)
        default = corpus(settings, 1, settings.embedding, workdir, plan, add=False)
        scale = [corpus(settings, f, "hashing", workdir, plan, add=f in plan.add_at) for f in plan.factors]
        table = [q for q in (c["question"] for c in load_questions(plan.questions) if not c["history"])]
        data = Path(default["data_dir"])
        free = default["free_text_asks"]
        api = bench_api.measure(settings, data, table, free["asks"], plan.api_seconds, plan.clients)
        ask_s = bench_api.cli_wall_s(settings, data, ["ask", TABLE_ASK])
        tool_s = bench_api.cli_wall_s(settings, data, ["tool", "chain_leader", "--chain", "芯片"])
        e5 = bench_e5.measure(settings.knowledge_dir, workdir, free["asks"][:200], plan.e5_cold)
    lexicon = bench_lexicon.measure(table)  # 10,000-term matching over real asks
    by_factor = {s["factor"]: s for s in scale}
    return {
        "load_avg_1m_at_start": load, "cores": os.cpu_count(),
        "api": _api(api), "embeddings_per_s": e5["embeddings_per_s"],
        "free_text_new_embedding_share": free["new_embedding_share"],
        "answer_latency_ms": default["answer_by_kind_ms"], "retrieval_latency_ms": default["retrieval_latency_ms"],
        "service_build_s": default["service_build_s"], "ready_s": api["ready_s"],
        "ask_wall_s": ask_s, "tool_wall_s": tool_s,
        "index_s": {f"1x_{settings.embedding}": default["ingest_s"],
                    **{f"{s['factor']}x_hashing": s["ingest_s"] for s in scale}},
        "add_document_s": {f"{f}x_hashing": by_factor[f]["add_document_s"] for f in plan.add_at if f in by_factor},
        "scale": [{k: s[k] for k in ("factor", "embedding", "docs", "chunks", "ingest_s", "retrieval_latency_ms",
                                     "answer_latency_ms", "peak_rss_mb")} for s in [default, *scale]],
        "server_peak_rss_mb": api["server_peak_rss_mb"], "e5": e5, "lexicon": lexicon,
    }


def goals(r: dict) -> dict[str, bool | None]:
    """The issue's done-when figures, as far as this run measured them."""
    api, adds = r["api"], r["add_document_s"]
    table, free = api["chat_table"], api["chat_free_text"]
    scale = {s["factor"]: s for s in r["scale"] if s["embedding"] == "hashing"}
    first, last = scale.get(1), scale.get(100)
    return {
        "chat_table_rps>=0.8x_floor": table["rps"] >= 0.8 * api["floor"]["rps"],
        "chat_table_p95<=300ms_0_errors": table["p95_ms"] <= 300 and table["errors"] == 0,
        "chat_free_text_rps>=0.8x_model": free["rps"] >= 0.8 * r["embeddings_per_s"] and free["errors"] == 0,
        "healthz_answered_throughout": free["healthz_during"]["errors"] == 0,
        "ready_s<=2": r["ready_s"] <= 2, "ask_wall_s<=1.5": r["ask_wall_s"] <= 1.5,
        "tool_wall_s<=1.5": r["tool_wall_s"] <= 1.5,
        "add_document_100x<=1.5x_1x": (adds["100x_hashing"] <= 1.5 * adds["1x_hashing"])
        if {"1x_hashing", "100x_hashing"} <= set(adds) else None,
        "retrieval_p95_100x<=2x_1x": (last["retrieval_latency_ms"]["p95"] <= 2 * first["retrieval_latency_ms"]["p95"])
        if first and last else None,
    }


def render(r: dict, met: dict) -> str:
    api = r["api"]
    lines = [f"load average at start {r['load_avg_1m_at_start']} ({r['cores']} cores)"]
    lines += [f"{name:15s} {a['rps']:8.1f} req/s  p50 {a['p50_ms']:7.1f} ms  p95 {a['p95_ms']:7.1f} ms  "
              f"{a['errors']} errors / {a['requests']}" for name, a in api.items()]
    h = api["chat_free_text"]["healthz_during"]
    lines.append(f"  /healthz during free-text load: p95 {h['p95_ms']} ms, max {h['max_ms']} ms, {h['errors']} errors")
    lines.append(f"embedding model: {r['embeddings_per_s']} embeddings/s (one query at a time); free-text asks "
                 f"needing a new embedding: {r['free_text_new_embedding_share']:.0%} of a sample")
    for kind, q in r["answer_latency_ms"].items():
        lines.append(f"answer latency in process, {kind} ({q['n']}): p50 {q['p50']} ms, p95 {q['p95']} ms")
    lines.append(f"Service.build {r['service_build_s']} s; ready (/healthz + /ui) {r['ready_s']} s; "
                 f"chainqa ask {r['ask_wall_s']} s, tool {r['tool_wall_s']} s wall")
    lines.append("index: " + ", ".join(f"{k} {v} s" for k, v in r["index_s"].items()))
    lines.append("add one document: " + ", ".join(f"{k} {v} s" for k, v in r["add_document_s"].items()))
    for s in r["scale"]:
        lines.append(f"  {s['factor']:4d}× {s['embedding']:8s} {s['docs']:5d} docs {s['chunks']:7d} chunks  "
                     f"retrieval p95 {s['retrieval_latency_ms']['p95']:7.2f} ms  answer p95 "
                     f"{s['answer_latency_ms']['p95']:7.2f} ms  peak RSS {s['peak_rss_mb']} MB")
    lines.append(f"server peak RSS {r['server_peak_rss_mb']} MB")
    lines.append(bench_lexicon.render(r["lexicon"]))
    lines += [f"goal {name}: {'met' if ok else 'not measured' if ok is None else 'NOT met'}" for name, ok in met.items()]
    return "\n".join(lines)


def main(settings: Settings, as_json: bool = False, quick: bool = False, plan: Plan | None = None) -> int:
    """The CLI entry: measure, print (one JSON object with --json, the goals on stderr), exit 0 when it ran."""
    report = run(settings, plan or (QUICK if quick else FULL))
    met = goals(report)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        print(json.dumps({"goals": met}, ensure_ascii=False), file=sys.stderr)
    else:
        print(render(report, met))
    return 0
