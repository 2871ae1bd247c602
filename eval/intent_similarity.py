"""How well each similarity signal alone tells the intents apart: every example question of
knowledge/intents.yaml (and intent_examples.yaml) is labelled, leaving it out, by the intent whose two
nearest other examples are closest on average — the ranker's similarity feature. Character 1–3-gram
TF-IDF on the delexicalised ask (what the ranker uses), multilingual-e5-small on the raw ask, and a blend.
With `--end-to-end`, the ranker's similarity itself is blended with e5 and the dev splits are answered
(the contract's pass rule). Development data only. `chainqa similarity [--end-to-end]`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from assistant.service import Service
from eval import harness
from eval.tuning import accuracy

DEV = (Path("eval/datasets/chainqa.jsonl"), Path("eval/datasets/dev2.jsonl"))


def _loo_accuracy(sims: np.ndarray, labels: np.ndarray, names: list[str]) -> float:
    sims = sims.copy()
    np.fill_diagonal(sims, -np.inf)  # leave the example itself out
    right = 0
    for i in range(len(labels)):
        scores = []
        for name in names:
            row = np.sort(sims[i, labels == name])[-2:]
            row = row[np.isfinite(row)]
            scores.append(row.mean() if row.size else -np.inf)
        right += names[int(np.argmax(scores))] == labels[i]
    return round(right / len(labels), 4)


def measure(service: Service, alphas: tuple[float, ...] = (0.3, 0.5)) -> dict[str, float]:
    reader = service.understanding.reader
    pairs = [(i.name, e) for i in service.deps.tables.catalog.intents for e in i.examples]
    labels = np.array([name for name, _ in pairs])
    names = sorted(set(labels))
    delex = [reader.read(e).delex for _, e in pairs]
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(delex)
    s_tfidf = (tfidf @ tfidf.T).toarray()
    out = {"examples": float(len(pairs)), "intents": float(len(names)),
           "tfidf": _loo_accuracy(s_tfidf, labels, names)}
    from retrieval.e5 import E5Embedding

    e5 = E5Embedding(service.settings.embedding_cache_dir)
    vectors = np.asarray(e5.embed_query([e for _, e in pairs]), dtype=np.float32)
    s_e5 = vectors @ vectors.T
    out["e5"] = _loo_accuracy(s_e5, labels, names)
    for a in alphas:
        out[f"blend_e5_{a}"] = _loo_accuracy((1 - a) * s_tfidf + a * s_e5, labels, names)
    return out


def end_to_end(service: Service, alphas: tuple[float, ...] = (0.0, 0.2, 0.35, 0.5)) -> dict[str, float]:
    """Dev accuracy with the ranker's similarity = (1-α)·TF-IDF + α·e5 (each intent's two nearest examples)."""
    from retrieval.e5 import E5Embedding

    ranker = service.understanding.ranker
    e5 = E5Embedding(service.settings.embedding_cache_dir)
    examples = [(i.name, e) for i in ranker.catalog.intents for e in i.examples]
    labels = np.array([name for name, _ in examples])
    vectors = np.asarray(e5.embed_query([e for _, e in examples]), dtype=np.float32)
    tfidf = ranker.similarities
    cases = [c for d in DEV for c in harness.load_cases(d)]
    out = {}
    try:
        for a in alphas:
            def blended(reading, a=a):
                base = tfidf(reading)
                if a == 0:
                    return base
                sims = vectors @ np.asarray(e5.embed_query([reading.text])[0], dtype=np.float32)
                return {n: (1 - a) * v + a * float(np.sort(sims[labels == n])[-2:].mean()) for n, v in base.items()}

            ranker.similarities = blended  # type: ignore[method-assign]
            service.offline._suggestions.clear()
            out[f"alpha_{a}"] = accuracy(service, cases)
    finally:
        ranker.similarities = tfidf  # type: ignore[method-assign]
    return out


def main(service: Service, whole: bool = False) -> int:
    result = end_to_end(service) if whole else measure(service)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0
