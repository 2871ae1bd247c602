"""Retrieval quality: recall@1, recall@k and MRR@k for lexical-only, vector-only and hybrid search,
for each embedding. `python -m eval.retrieval_eval` (or `chainqa eval --retrieval`) prints a Markdown table.

A retrieved chunk is a hit when its doc_id is the case's doc_id (or an `alt` one) and its text contains
that answer once all whitespace is removed from both."""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.stats import p50_p95
from retrieval.index import KnowledgeIndex
from retrieval.search import MODES, FusionWeights, Mode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT / "eval" / "datasets" / "retrieval.jsonl"
DEFAULT_EMBEDDING = "e5"  # measured best (docs/RETRIEVAL.md); the fusion weights are FusionWeights()
_SPACE = re.compile(r"\s+")


@dataclass
class Metrics:
    mode: str
    embedding: str = ""
    queries: int = 0
    recall_at_1: float = 0.0
    recall_at_k: float = 0.0
    mrr: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    misses: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[dict]:
    cases = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            case = json.loads(line)
            if not {"id", "query", "doc_id", "answer"} <= case.keys():
                raise ValueError(f"{path}:{n}: a case needs id, query, doc_id and answer")
            cases.append(case)
    return cases


def is_hit(chunk, case: dict) -> bool:
    text = _SPACE.sub("", chunk.text)
    targets = [(case["doc_id"], case["answer"])] + [(a["doc_id"], a["answer"]) for a in case.get("alt", [])]
    return any(chunk.doc_id == doc and _SPACE.sub("", answer) in text for doc, answer in targets)


def evaluate_mode(index: KnowledgeIndex, cases: list[dict], mode: Mode, k: int = 5) -> Metrics:
    m = Metrics(mode=mode, queries=len(cases))
    took = []
    for case in cases:
        start = time.perf_counter()
        hits = index.search(case["query"], k=k, mode=mode)
        took.append((time.perf_counter() - start) * 1000)
        rank = next((r for r, h in enumerate(hits, start=1) if is_hit(h.chunk, case)), None)
        if rank is None:
            m.misses.append(case["id"])
            continue
        m.recall_at_1 += rank == 1
        m.recall_at_k += 1
        m.mrr += 1.0 / rank
    n = max(len(cases), 1)
    m.recall_at_1, m.recall_at_k, m.mrr = (round(v / n, 3) for v in (m.recall_at_1, m.recall_at_k, m.mrr))
    cuts = p50_p95(took)
    m.p50_ms, m.p95_ms = cuts["p50"], cuts["p95"]
    return m


def evaluate(index: KnowledgeIndex, dataset_path: Path = DEFAULT_DATASET, k: int = 5,
             modes: tuple[Mode, ...] = MODES) -> dict[str, Metrics]:
    """Recall@1, recall@k and MRR@k of each search mode over the labelled retrieval set."""
    cases = load_cases(dataset_path)
    index.search(cases[0]["query"], k=k)  # warm-up: lazy imports, loading the model
    embedding = index.config.make_embedding()
    results: dict[str, Metrics] = {}
    for mode in modes:
        if hasattr(embedding, "clear_query_cache"):  # each mode pays for its own query embeddings
            embedding.clear_query_cache()
        results[mode] = evaluate_mode(index, cases, mode, k)
    return results


def markdown(rows: list[Metrics], k: int = 5) -> str:
    lines = [f"| embedding | mode | recall@1 | recall@{k} | MRR@{k} | p50 ms | p95 ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {m.embedding} | {m.mode} | {m.recall_at_1:.3f} | {m.recall_at_k:.3f} | {m.mrr:.3f} "
              f"| {m.p50_ms:.2f} | {m.p95_ms:.2f} |" for m in rows]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainqa eval --retrieval", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    p.add_argument("--knowledge-dir", type=Path, default=ROOT / "knowledge")
    p.add_argument("--data-dir", type=Path, default=None, help="where to build the indexes (default: a temp dir)")
    p.add_argument("--embeddings", default="hashing,lsa,e5", help="comma-separated: hashing,lsa,e5,openai")
    p.add_argument("--chroma-url", default=None)
    p.add_argument("--weights", type=json.loads, default=None,
                   help='FusionWeights fields as JSON, e.g. \'{"vector": 1.0, "rrf_k": 60}\' (default: FusionWeights())')
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--output", type=Path, help="write the metrics and misses as JSON")
    p.add_argument("--markdown", type=Path, help="write the table as Markdown")
    p.add_argument("--default-embedding", default=DEFAULT_EMBEDDING, help="the configuration the bars apply to")
    p.add_argument("--min-recall", type=float, default=0.0, help="exit 1 if the default's hybrid recall@k is below")
    p.add_argument("--min-mrr", type=float, default=0.0, help="exit 1 if the default's hybrid MRR@k is below")
    return p


def run(knowledge_dir: Path, data_dir: Path, dataset: Path, embeddings: list[str], k: int = 5,
        chroma_url: str | None = None, weights: FusionWeights | None = None) -> list[Metrics]:
    rows: list[Metrics] = []
    for name in embeddings:
        index = KnowledgeIndex.open(knowledge_dir, data_dir, chroma_url=chroma_url, embedding=name, weights=weights)
        for metrics in evaluate(index, dataset, k).values():
            metrics.embedding = name
            rows.append(metrics)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the Markdown table; exit 1 when the first embedding's hybrid search misses the bars."""
    args = _parser().parse_args(argv)
    embeddings = [e.strip() for e in args.embeddings.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="chainqa-eval-") as tmp:
        weights = FusionWeights(**args.weights) if args.weights else None
        rows = run(args.knowledge_dir, args.data_dir or Path(tmp), args.dataset, embeddings, args.k, args.chroma_url,
                   weights)
    table = markdown(rows, args.k)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    if args.output:
        args.output.write_text(json.dumps([asdict(m) for m in rows], ensure_ascii=False, indent=1), encoding="utf-8")
    default = next((m for m in rows if m.mode == "hybrid" and m.embedding == args.default_embedding),
                   next(m for m in rows if m.mode == "hybrid"))
    return 1 if default.recall_at_k < args.min_recall or default.mrr < args.min_mrr else 0


if __name__ == "__main__":
    sys.exit(main())
