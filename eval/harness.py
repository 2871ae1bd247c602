"""Runs an eval dataset through the assistant like a user would and scores it by the contract's rule."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from assistant.answer import Answer, Turn
from eval.stats import p50_p95

_WS = re.compile(r"\s+")
_EMPHASIS = re.compile(r"[*_`]")


class Case(BaseModel):
    id: str
    category: str
    question: str
    history: list[Turn] = Field(default_factory=list)
    must_include: list[list[str]] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)
    expect_refusal: bool = False
    expected_doc: str | None = None


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate_json(line))
        except ValidationError as exc:
            raise ValueError(f"{path}:{line_no}: {exc.errors()[0]['msg']}") from exc
    return cases


def _norm(text: str) -> str:
    """Whitespace and Markdown emphasis removed, ASCII lower-cased (the contract's comparison)."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in _EMPHASIS.sub("", _WS.sub("", text)))



def own_words(markdown: str) -> str:
    """The answer without its quoted evidence: Markdown blockquote lines (starting with `>`) removed."""
    return "\n".join(line for line in markdown.splitlines() if not line.lstrip().startswith(">"))


def check(case: Case, answer: Answer) -> list[str]:
    """The contract's strict pass rule; returns the reasons a case failed (empty = passed).

    A required fact must stand in the answer's own sentences, not only inside a quote."""
    text = _norm(answer.answer)
    stated = _norm(own_words(answer.answer))
    failures = []
    if case.expect_refusal:
        if not answer.refused:
            failures.append("expected a refusal")
    else:
        if answer.refused:
            failures.append(f"refused ({answer.refusal_reason})")
        for group in case.must_include:
            if not any(_norm(alt) in stated for alt in group):
                failures.append(f"missing one of {group}")
        if case.expected_doc and not any(case.expected_doc in c.doc_title for c in answer.citations):
            failures.append(f"no citation of {case.expected_doc}")
    for bad in case.must_not_include:
        if _norm(bad) in text:
            failures.append(f"contains {bad!r}")
    return failures


_PLACEHOLDER = re.compile(r"\$[A-Za-z_{]")
_NO_FACT = ("根据原文", "答案如下", "原文如下", "以下是", "according to the text")


def shape_problems(answer: Answer) -> list[str]:
    """What makes an answer read wrong whatever its facts: no lead sentence before the evidence, a quote
    printed twice, a raw table row as evidence, a template placeholder."""
    problems = []
    lines = answer.answer.splitlines()
    head = next((ln.strip() for ln in lines if ln.strip()), "")
    if not answer.refused and (head.startswith(">") or len(_WS.sub("", head)) < 4
                               or head.lower().startswith(_NO_FACT)):
        problems.append("quote_only")
    quoted = [ln.strip().removeprefix(">").strip() for ln in lines if ln.lstrip().startswith(">")]
    quotes = [q for q in quoted if q and not q.startswith("——")]
    if len(quotes) != len(set(quotes)):
        problems.append("repeated_quote")
    if any(q.startswith("|") for q in quotes):
        problems.append("pipe_row")
    if _PLACEHOLDER.search(answer.answer):
        problems.append("placeholder")
    return problems


def run(service, cases: list[Case], engine: str = "offline", documents: dict | None = None) -> dict:
    results = []
    for case in cases:
        answer = service.ask(case.question, case.history, engine=engine)
        failures = check(case, answer)
        results.append({"id": case.id, "category": case.category, "question": case.question,
                        "answer": answer.answer, "refused": answer.refused, "shape": shape_problems(answer),
                        "citations": [c.model_dump(exclude_none=True) for c in answer.citations],
                        "passed": not failures, "failures": failures, "latency_ms": answer.latency_ms,
                        "expect_refusal": case.expect_refusal, "engine": answer.engine})
    return {"summary": summarize(results, engine, documents), "cases": results}


def summarize(results: list[dict], engine: str, documents: dict | None) -> dict:
    total, passed = len(results), sum(r["passed"] for r in results)
    by_cat: dict[str, dict[str, int]] = {}
    for r in results:
        c = by_cat.setdefault(r["category"], {"total": 0, "passed": 0})
        c["total"] += 1
        c["passed"] += r["passed"]
    tally = Counter((r["expect_refusal"], r["refused"]) for r in results)
    tp, fp, fn = tally[(True, True)], tally[(False, True)], tally[(True, False)]
    lat = [r["latency_ms"] for r in results]
    return {
        "total": total, "passed": passed, "accuracy": round(passed / total, 4) if total else 0.0,
        "engine": engine, "by_category": dict(sorted(by_cat.items())),
        "refusal": {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
                    "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0},
        "citation_accuracy": _citation_accuracy(results, documents),
        "shape": {k: sum(k in r.get("shape", []) for r in results)
                  for k in ("quote_only", "repeated_quote", "pipe_row", "placeholder")},
        "latency_ms": {**p50_p95(lat),
                       "mean": round(statistics.fmean(lat), 2) if lat else 0.0},
    }


def _citation_accuracy(results: list[dict], documents: dict | None) -> float | None:
    """Share of answered cases whose every citation quote occurs verbatim in its document."""
    if not documents:
        return None
    answered = [r for r in results if not r["refused"]]
    good = sum(bool(r["citations"]) and all(c["quote"] in documents[c["doc_id"]].text for c in r["citations"])
               for r in answered)
    return round(good / len(answered), 4) if answered else 1.0


def write_json(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
