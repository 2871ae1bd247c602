"""`chainqa bench`, the e5 part: query-embedding latency and index build time on a cold and a warm
embedding cache (see docs/RETRIEVAL.md)."""

from __future__ import annotations

import time
from pathlib import Path

from eval.stats import p50_p95


def measure(knowledge_dir: Path, workdir: Path, questions: list[str], cold: bool) -> dict:
    """e5 query-embedding latency (each question once, the model already loaded), and the index build
    time: on an empty embedding cache (`cold`: every chunk embedded, 1–2 min here) then on a warm one."""
    from retrieval.e5 import E5Embedding
    from retrieval.embedding_cache import DEFAULT_CACHE_DIR
    from retrieval.index import KnowledgeIndex

    cache = workdir / "e5-cache" if cold else DEFAULT_CACHE_DIR  # not cold: the machine's shared cache
    builds = {}
    for run in ("cold", "warm") if cold else ("warm",):
        started = time.perf_counter()
        KnowledgeIndex.ingest(knowledge_dir, workdir / f"data-e5-{run}", embedding="e5",
                              embedding_options={"cache_dir": cache})
        builds[f"build_{run}_s"] = round(time.perf_counter() - started, 2)
    model = E5Embedding(cache_dir=cache)
    started = time.perf_counter()
    model.embed_query(["链长制"])  # loads the model
    load_ms = (time.perf_counter() - started) * 1000
    took = []
    for question in dict.fromkeys(questions):  # distinct: the in-memory query cache never answers
        started = time.perf_counter()
        model.embed_query([question])
        took.append((time.perf_counter() - started) * 1000)
    return {"query_embedding_ms": p50_p95(took), "first_query_ms": round(load_ms, 1),
            "embeddings_per_s": round(len(took) / max(sum(took) / 1000, 1e-9), 1),  # one query at a time
            "build_cold_s": builds.get("build_cold_s"), "build_warm_s": builds["build_warm_s"]}


def render(e5: dict) -> str:
    q, cold = e5["query_embedding_ms"], e5["build_cold_s"]
    return (f"e5: query embedding p50 {q['p50']} ms, p95 {q['p95']} ms (first, loading the model: "
            f"{e5['first_query_ms']} ms); index build on a cold embedding cache "
            f"{'not measured' if cold is None else f'{cold} s'}, warm {e5['build_warm_s']} s")
