"""Ordinal follow-ups: "第三条链的链长是谁" after a list points at the list's third item, so the ask is read
with that item's name in place of the ordinal."""

from __future__ import annotations

import re

from assistant.answer import own_words
from assistant.understanding.language import numeral

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.、)]\s*(.+?)\s*$", re.M)
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_TWO = re.compile(r"[两二2]\s*[条个项家位]")
_COUNTED = re.compile(r"[两二三四五六七八九十0-9]+\s*[条个项家位].*$")  # "乙两条产业链" → 乙


def listed(answer: str) -> list[str]:
    """The items an answer listed in its own words: its numbered lines, else the enumeration of its first
    sentence ("共 5 项：甲、乙、丙。", or three or more items bare); emphasis and asides in brackets removed."""
    own = own_words(answer)
    numbered = [m.group(2) for m in _NUMBERED.finditer(own)]
    if len(numbered) < 2:
        head = _head(own)
        numbered = head.rpartition("：")[2].split("、")
        if "：" not in head and len(numbered) < 3:  # "甲、乙" alone may be a pair of names, not a list
            numbered = []
    items = [_clean(i) for i in numbered]
    return [i for i in items if i] if len(items) >= 2 else []


def _pair(answer: str) -> list[str]:
    """"现代化工产业链和节能环保产业链。": the two things a short answer joins."""
    parts = [_COUNTED.sub("", _clean(p)) for p in re.split(r"[和与及、]", _head(own_words(answer)).rpartition("：")[2])]
    return parts if len(parts) == 2 and all(parts) else []


def _two(answer: str) -> list[str]:
    """The pair of a short answer that says it names two ("甲和乙两条产业链"), for "第二条"."""
    return _pair(answer) if _TWO.search(_head(own_words(answer))) else []


def _head(text: str) -> str:
    """The first sentence of the first line."""
    return text.strip().split("\n", 1)[0].split("。", 1)[0]


def _clean(item: str) -> str:
    return _ASIDE.sub("", item).replace("*", "").strip(" 。；;")


class Ordinals:
    """Reads "第二个", "其三", "最后一条" followed by a measure word (knowledge/intents.yaml `ordinal_measures`)."""

    def __init__(self, measures: list[str]) -> None:
        alts = "|".join(re.escape(m) for m in sorted(measures, key=len, reverse=True)) or r"(?!)"
        self._other = re.compile(rf"另一\s*(?:{alts})")
        self._pointer = re.compile(
            rf"(?:第\s*([0-9]{{1,2}}|[一二两三四五六七八九十]{{1,3}})\s*(?:{alts})|其([一二三四五六七八九十])(?:{alts})?"
            rf"|最后(?:一|那一?|这一?)?\s*(?:{alts}))(?!问)")

    def resolve(self, ask: str, last_answer: str) -> str:
        """The ask with its ordinal replaced by the item of the last answer's list it points at; the ask itself
        when it names no position or the last answer listed nothing that far."""
        other = self._other.search(ask)
        if other is not None:
            return self._the_other(ask, other, listed(last_answer) or _pair(last_answer))
        m = self._pointer.search(ask)
        items = (listed(last_answer) or _two(last_answer)) if m else []  # "第二条" of "甲和乙两条产业链"
        if m is None or not items:
            return ask
        digits = m.group(1) or m.group(2)
        n = numeral(digits) if digits else len(items)
        if n is None or not 1 <= n <= len(items):
            return ask
        return ask[: m.start()] + items[n - 1] + ask[m.end() :]

    @staticmethod
    def _the_other(ask: str, m: re.Match[str], items: list[str]) -> str:
        """"现代化工的联络员是雷培德，那另一条呢" after a list of two: the one the ask does not name."""
        named = [i for i in items if i[:2] in ask]
        if len(items) != 2 or len(named) != 1:
            return ask
        other = next(i for i in items if i not in named)
        return ask[: m.start()] + other + ask[m.end() :]
