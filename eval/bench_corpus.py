"""`chainqa bench`, one corpus in a worker process of its own (`python -m eval.bench_corpus SPEC`), so its
peak RSS is its own: a full index build, `Service.build`, every question answered once (cold) and timed
by kind (a table ask needs no query embedding; a free-text ask does), hybrid retrieval timed, and
optionally one document added and the index refreshed (what adding a document costs at this size)."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from assistant.config import Settings
from eval.process import peak_rss_mb
from eval.stats import p50_p95

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "eval" / "datasets" / "chainqa.jsonl"
WARMUP = 20
WARMUP_SET = ROOT / "eval" / "datasets" / "dev2.jsonl"  # warms the model and imports, not the timed questions
FREE_TEXT = "东风岚图去年卖了多少辆车？"  # answered from passages: when a short run times no free-text ask
VARIANTS = 400  # distinct wordings per free-text ask, so the server's query-vector cache never answers


def load_questions(limit: int | None = None, dataset: Path = DATASET) -> list[dict]:
    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [{"question": r["question"], "history": r.get("history") or []} for r in rows]
    if limit is None or limit >= len(cases):
        return cases
    return [cases[i * len(cases) // limit] for i in range(limit)]  # spread over every category


def _query_vectors(service):
    """The searcher's query-vector function (its `calls` count the query embeddings an ask needed)."""
    return service.index._current.searcher.embed_query


def _timed_answers(service, cases) -> dict:
    from assistant.answer import Turn

    vectors = _query_vectors(service)
    times: dict[str, list[float]] = {"table": [], "free_text": []}
    retrieval: list[float] = []
    kinds: dict[str, str] = {}
    for case in cases:
        history = [Turn.model_validate(t) for t in case["history"]]
        before = vectors.calls
        t0 = time.perf_counter()
        service.ask(case["question"], history)
        t1 = time.perf_counter()
        kind = "free_text" if vectors.calls > before else "table"
        times[kind].append((t1 - t0) * 1000)
        if not history:
            kinds[case["question"]] = kind
        t2 = time.perf_counter()
        service.index.search(case["question"], k=5)
        retrieval.append((time.perf_counter() - t2) * 1000)
    return {"answer_latency_ms": p50_p95(times["table"] + times["free_text"]),
            "answer_by_kind_ms": {k: {**p50_p95(v), "n": len(v)} for k, v in times.items()},
            "retrieval_latency_ms": p50_p95(retrieval), "kinds": kinds}


def sample_of(variants: list[str], size: int = 40) -> list[str]:
    """A fixed random sample: a stride through the variants, which cycle through the asks, landed on
    one ask alone whenever it was a multiple of their number."""
    return random.Random(0).sample(variants, min(size, len(variants)))


def _free_text_variants(service, questions: list[str]) -> dict:
    """Distinct wordings of the free-text asks for the HTTP load ("…，第n个？": the number reaches the
    search query, so the server's query-vector cache never answers). A sample is asked here: the share
    that needed a new query embedding is reported, so a wording the engine answers otherwise shows."""
    vectors = _query_vectors(service)
    variants = [f"{q.rstrip('？?')}，第{n}个？" for n in range(VARIANTS) for q in questions or [FREE_TEXT]]
    sample = sample_of(variants)
    embedded = 0
    for v in sample:
        before = vectors.computed
        service.ask(v)
        embedded += vectors.computed > before
    return {"asks": variants, "new_embedding_share": round(embedded / len(sample), 3)}


def measure(spec: dict) -> dict:
    from assistant.service import Service
    from eval.synthetic import add_document
    from retrieval.index import KnowledgeIndex

    knowledge, data, embedding = Path(spec["knowledge"]), Path(spec["data"]), spec["embedding"]
    started = time.perf_counter()
    stats = KnowledgeIndex.ingest(knowledge, data, embedding=embedding, rebuild=True)
    ingest_s = time.perf_counter() - started
    settings = Settings(knowledge_dir=knowledge, data_dir=data, embedding=embedding, engine="offline",
                        chroma_url=None, store_url=None, answer_cache_size=0)
    started = time.perf_counter()
    service = Service.build(settings)
    build_s = time.perf_counter() - started
    for c in load_questions(WARMUP, WARMUP_SET):  # other questions: each timed one is asked once, cold
        service.ask(c["question"])
    out = {"docs": stats["documents"], "chunks": stats["chunks"], "ingest_s": round(ingest_s, 3),
           "service_build_s": round(build_s, 3), **_timed_answers(service, load_questions(spec["questions"]))}
    if spec.get("variants"):
        out["free_text_asks"] = _free_text_variants(service, [q for q, k in out.pop("kinds").items() if k == "free_text"])
    out.pop("kinds", None)
    if spec.get("add_document"):
        add_document(Path(spec["real_knowledge"]), knowledge, copy=spec["factor"])
        started = time.perf_counter()
        KnowledgeIndex.ingest(knowledge, data, embedding=embedding)
        out["add_document_s"] = round(time.perf_counter() - started, 3)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(sys.argv[1])), ensure_ascii=False))
