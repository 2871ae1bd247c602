"""Finding the lexicon's terms in text with one Aho-Corasick automaton (pyahocorasick), built once per lexicon
version. Text and terms are compared normalised: NFKC (full width → half width), lower case, Traditional →
Simplified, and without the whitespace, punctuation and symbols someone may put between the characters of a
term (傻 . 逼, 軍-火). Every normalised character remembers the original one it came from, so a match is also
a span of the original text (for masking). A match inside an occurrence of an allow-listed phrase does not
count."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import ahocorasick

from assistant.lexicon import Lexicon, Term
from retrieval.normalize import to_simplified

_DROPPED = frozenset("PSZC")  # unicode category classes: punctuation, symbols, separators, controls


def folded(text: str) -> tuple[str, list[int]]:
    """`text` normalised for matching, and for each of its characters the index of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            if unicodedata.category(c)[0] not in _DROPPED:
                chars.append(c.lower())
                origin.append(i)
    joined = "".join(chars)
    simple = to_simplified(joined) if len(joined) <= 2000 else _simplified(joined)
    if len(simple) != len(joined):  # a phrase conversion changed the length: convert one character at a time
        simple = "".join(s if len(s := to_simplified(c)) == 1 else c for c in joined)
    return simple, origin


def _simplified(text: str) -> str:
    """Long text (a document) in pieces: to_simplified caches its inputs, a whole document is not worth keeping."""
    return "".join(to_simplified(text[i : i + 2000]) for i in range(0, len(text), 2000))


@dataclass(frozen=True)
class Match:
    term: Term
    start: int  # the span in the original text
    end: int
    fstart: int  # … and in the normalised text
    fend: int


@dataclass(frozen=True)
class Scan:
    """One text scanned: its matches (allow-listed ones left out) and what the streaming gate needs."""

    text: str
    matches: list[Match]
    origin: list[int]
    size: int  # normalised length
    pending: list[Match]  # matches an allow-listed phrase may still cover when more text follows


def _automaton(keys: dict[str, Any]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    auto = ahocorasick.Automaton()
    for key, value in keys.items():
        auto.add_word(key, (len(key), value))
    auto.make_automaton()
    return auto


def _spans(auto: ahocorasick.Automaton | None, text: str) -> list[tuple[int, int, Any]]:
    if auto is None or not text:
        return []
    return [(end + 1 - size, end + 1, value) for end, (size, value) in auto.iter(text)]


def _reach(key: str, allow: dict[str, str]) -> int:
    """How far past a term's start an allow-listed phrase containing it can end (0: none contains it)."""
    return max((len(a) - a.find(key) for a in allow if key in a), default=0)


class Matcher:
    """The enabled terms of one lexicon and its allow-list, compiled."""

    def __init__(self, lexicon: Lexicon) -> None:
        allow = {key: phrase for phrase in lexicon.allow if (key := folded(phrase)[0])}
        terms = {key: (t, _reach(key, allow)) for t in lexicon.terms if t.enabled and (key := folded(t.term)[0])}
        self._terms, self._allow = _automaton(terms), _automaton(allow)
        self.size = len(terms)
        self.longest_term = max(map(len, terms), default=0)

    def __bool__(self) -> bool:
        return self.size > 0

    def find(self, text: str) -> list[Match]:
        return self.scan(text).matches

    def scan(self, text: str) -> Scan:
        if self._terms is None:
            return Scan(text, [], [], 0, [])
        norm, origin = folded(text)
        allowed = _spans(self._allow, norm)
        matches, pending = [], []
        for fs, fe, (term, reach) in _spans(self._terms, norm):
            if any(a <= fs and fe <= b for a, b, _ in allowed):
                continue
            m = Match(term, origin[fs], origin[fe - 1] + 1, fs, fe)
            matches.append(m)
            if len(norm) < fs + reach:  # an allow-listed phrase holding the term may still be completed
                pending.append(m)
        return Scan(text, matches, origin, len(norm), pending)


def masked(text: str, matches: list[Match], char: str = "*") -> str:
    """`text` with each match's characters replaced (the spacing or punctuation inside a match too)."""
    if not matches:
        return text
    chars = list(text)
    for m in matches:
        chars[m.start : m.end] = char * (m.end - m.start)
    return "".join(chars)


def excerpt(text: str, match: Match, around: int = 12) -> str:
    """The words around a match, the match itself masked: what the audit log keeps."""
    start, end = max(0, match.start - around), min(len(text), match.end + around)
    shown = text[start:match.start] + "*" * (match.end - match.start) + text[match.end:end]
    return ("…" if start else "") + shown.replace("\n", " ") + ("…" if end < len(text) else "")
