"""The content-safety matcher in `chainqa bench`: a synthetic lexicon of 10,000 terms (random CJK strings of
2–6 characters, seeded, plus the allow-list of the test fixture) compiled once, then every benchmark question
screened as a question is (normalised and matched); half of them have a term spread inside with spaces and
full-width punctuation, so hits and masking are timed too. A number, no pass/fail (docs/PERFORMANCE.md)."""

from __future__ import annotations

import random
import time

from assistant.lexicon import Lexicon, Term
from assistant.matcher import Matcher, masked
from eval.stats import p50_p95

TERMS = 10_000
_CJK = (0x4E00, 0x9FA5)


def lexicon(size: int = TERMS, seed: int = 18) -> Lexicon:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(chr(rng.randint(*_CJK)) for _ in range(rng.randint(2, 6))))
    return Lexicon(terms=[Term(term=w, action="mask" if i % 3 else "block") for i, w in enumerate(sorted(words))],
                   allow=["军民融合", "产业链", "链长", "链长制"])


def measure(questions: list[str], size: int = TERMS, rounds: int = 3) -> dict:
    lex = lexicon(size)
    started = time.perf_counter()
    matcher = Matcher(lex)
    build_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(7)
    texts = [q if i % 2 else _spread(q, rng.choice(lex.terms).term, rng) for i, q in enumerate(questions)]
    timings, hits = [], 0
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            found = matcher.find(text)
            masked(text, found)
            timings.append((time.perf_counter() - started) * 1000)
            hits += bool(found)
    return {"terms": matcher.size, "texts": len(texts) * rounds, "with_hit": hits, "build_ms": round(build_ms, 1),
            "match_ms": {k: round(v, 4) for k, v in p50_p95(timings).items()}}


def _spread(question: str, term: str, rng: random.Random) -> str:
    """The question with a term inside it, its characters apart (spaces, full-width punctuation)."""
    at = rng.randint(0, len(question))
    return question[:at] + rng.choice((" ", "，", "·", "　")).join(term) + question[at:]


def render(result: dict) -> str:
    m = result["match_ms"]
    return (f"content-safety lexicon ({result['terms']} terms, built in {result['build_ms']} ms): screening a "
            f"question p50 {m['p50']} ms, p95 {m['p95']} ms ({result['texts']} texts, {result['with_hit']} with a hit)")
