"""Lexical overlap between a question and a short text (a fact record, a sentence): character bigrams of
the folded text, and whole keywords. Cheap, deterministic, and good at Chinese paraphrase of the same words."""

from __future__ import annotations

from functools import lru_cache

from retrieval.normalize import fold

_KEEP = str.maketrans("", "", "，,。.、；;：:！!？?“”\"'‘’（）()《》〈〉【】[] \t\n-—·")


@lru_cache(maxsize=65536)
def grams(text: str) -> frozenset[str]:
    """Character bigrams of the folded text, punctuation removed (single characters for one-character text).
    Cached: the same records and sentences are scored against every ask (most of a free-text answer)."""
    t = fold(text).translate(_KEEP)
    return frozenset({t[i : i + 2] for i in range(len(t) - 1)} or ({t} if t else set()))


def overlap(query: frozenset[str], text: str) -> int:
    return len(query & grams(text))


@lru_cache(maxsize=65536)
def _folded(keyword: str) -> str:
    return fold(keyword)


def keyword_hits(folded_query: str, keywords: list[str]) -> list[str]:
    """The keywords (two characters or more) that occur in the folded query."""
    return [k for k in keywords if len(k) >= 2 and _folded(k) in folded_query]
