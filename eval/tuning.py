"""Chooses the intent ranker's weights by accuracy on the dev split (never the test split): a small grid over
the weights of slot fit, cues and similarity, each configuration scored by the contract's pass rule."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

from assistant.service import Service
from assistant.understanding.intents import Weights
from eval import harness

GRID = {"cue": (0.5, 0.8, 1.1), "similarity": (1.0, 1.5, 2.0, 2.5), "unused": (-0.25, -0.5), "slot": (1.0,)}


def accuracy(service: Service, cases: list[harness.Case]) -> float:
    passed = sum(not harness.check(c, service.ask(c.question, c.history)) for c in cases)
    return passed / len(cases)


def tune(service: Service, dataset: Path) -> list[tuple[float, Weights]]:
    """Every grid point's dev accuracy, best first; the service's ranker is left on the best."""
    cases = harness.load_cases(dataset)
    ranker = service.understanding.ranker
    base = ranker.w
    results = []
    for values in itertools.product(*GRID.values()):
        ranker.w = replace(base, **dict(zip(GRID, values, strict=True)))
        results.append((accuracy(service, cases), ranker.w))
    results.sort(key=lambda r: -r[0])
    ranker.w = results[0][1]
    return results


def main(service: Service, dataset: Path) -> int:
    if "test" in dataset.name:
        print("refusing to tune on a test split", flush=True)
        return 2
    for acc, w in tune(service, dataset)[:10]:
        print(f"{acc:.4f}  cue={w.cue} similarity={w.similarity} unused={w.unused} slot={w.slot}")
    return 0
