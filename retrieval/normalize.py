"""Text normalisation for matching: width, case, whitespace and Traditional → Simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("「」『』", "“”‘’")  # Traditional text quotes in corner brackets: the same quote


@lru_cache(maxsize=1)
def _converter():
    import opencc  # opencc-python-reimplemented; loaded once, lazily (import is slow)

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """Characters at least one of which every dictionary entry that changes its text contains: a text
    with none of them converts to itself, so it skips OpenCC's parse (most text here is Simplified,
    and the parse was a quarter of start-up)."""
    entries = [(key, value) for group in _converter()._dict_chain_data for d in group for key, value in d[2].items()]
    chars = {key for key, value in entries if len(key) == 1 and value != key}
    for key, value in entries:
        if value != key and chars.isdisjoint(key):
            chars.update(key)
    return frozenset(chars)


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    if _convertible().isdisjoint(text):
        return text
    return _converter().convert(text)


def fold(text: str) -> str:
    """Canonical form for comparisons: NFKC (full→half width), 繁→简, lower case, no whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub("", to_simplified(text)).lower()


def squash(text: str) -> str:
    """Remove all whitespace only (used to compare names such as 郭 涛 / 郭涛)."""
    return _SPACE.sub("", text)


def has_traditional(text: str) -> bool:
    return to_simplified(text) != text


def is_mostly_english(text: str) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return letters >= 6 and cjk <= 2


_ASCII_GAP = re.compile(r"(?<=[a-z0-9])\s+(?=[a-z0-9])")


def fold_words(text: str) -> str:
    """Like `fold`, but a run of spaces between two ASCII letters/digits becomes one space,
    so English words keep their boundaries ("ai chain" is not "aichain")."""
    text = to_simplified(unicodedata.normalize("NFKC", text).translate(_QUOTES)).lower()
    text = _ASCII_GAP.sub(" ", text.strip())
    return re.sub(r"(?<![a-z0-9])\s+|\s+(?![a-z0-9])", "", text)
