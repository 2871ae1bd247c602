"""Chooses the intent ranker's weights and the intent threshold by accuracy on the dev splits (never a test
split): coordinate descent over a few values per weight, each configuration scored by the contract's pass
rule on every dev case. `chainqa tune --dataset eval/datasets/chainqa.jsonl --dataset eval/datasets/dev2.jsonl`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.service import Service
from eval import harness

STEPS = {"cue": (0.3, 0.5, 0.8, 1.1), "similarity": (1.5, 2.0, 2.5, 3.0, 3.5), "unused": (-0.25, -0.5, -0.8),
         "continuity": (0.3, 0.6, 1.0), "inherited": (0.2, 0.3, 0.5), "avoid": (-0.5, -0.8, -1.2)}
THRESHOLDS = (0.4, 0.55, 0.7, 0.85)


def accuracy(service: Service, cases: list[harness.Case]) -> float:
    passed = sum(not harness.check(c, service.ask(c.question, c.history)) for c in cases)
    return round(passed / len(cases), 4)


def _score(service: Service, cases: list[harness.Case]) -> float:
    service.offline._suggestions.clear()  # suggestions are judged by the weights in force
    return accuracy(service, cases)


def tune(service: Service, cases: list[harness.Case], rounds: int = 2) -> tuple[float, list[str]]:
    """Coordinate descent from the current weights; the service is left on the best. Returns the best
    accuracy and a log line per improvement."""
    ranker, resolver = service.understanding.ranker, service.understanding.resolver
    best, log = _score(service, cases), []
    for _ in range(rounds):
        improved = False
        for name, values in STEPS.items():
            for value in values:
                before = ranker.w
                ranker.w = replace(before, **{name: value})
                acc = _score(service, cases)
                if acc > best:
                    best, improved = acc, True
                    log.append(f"{best:.4f} {name}={value}")
                else:
                    ranker.w = before
        for value in THRESHOLDS:
            previous = resolver.threshold
            resolver.threshold = value
            acc = _score(service, cases)
            if acc > best:
                best, improved = acc, True
                log.append(f"{best:.4f} threshold={value}")
            else:
                resolver.threshold = previous
        if not improved:
            break
    return best, log


def main(service: Service, datasets: list[Path]) -> int:
    if any("test" in d.name for d in datasets):
        print("refusing to tune on a test split")
        return 2
    cases = [c for d in datasets for c in harness.load_cases(d)]
    print(f"start {accuracy(service, cases):.4f} on {len(cases)} dev cases")
    best, log = tune(service, cases)
    print("\n".join(log))
    print(f"best {best:.4f}: {service.understanding.ranker.w} threshold={service.understanding.resolver.threshold}")
    return 0
