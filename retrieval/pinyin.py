"""Pinyin of names without pypinyin at start-up: loading its phrase dictionary takes 0.25 s, about a
fifth of a `chainqa ask`, and the names a snapshot reads (people, provinces) are the same at every
load. `Pinyin` answers from what a snapshot keeps (`pinyin.json`) and imports pypinyin only for a
name it does not know (one a new overlay adds)."""

from __future__ import annotations

FILE = "pinyin.json"


class Pinyin:
    """`lazy_pinyin(text)`, remembered per text; `computed` counts the texts pypinyin was asked for."""

    def __init__(self, known: dict[str, list[str]] | None = None) -> None:
        self.known: dict[str, list[str]] = dict(known or {})
        self.computed = 0

    def __call__(self, text: str) -> list[str]:
        syllables = self.known.get(text)
        if syllables is None:
            from pypinyin import lazy_pinyin

            syllables = self.known[text] = lazy_pinyin(text)
            self.computed += 1
        return list(syllables)
