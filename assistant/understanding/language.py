"""Which language an ask is in, and conversion of answer text for Traditional Chinese askers (OpenCC)."""

from __future__ import annotations

import re
from typing import Literal

import opencc

from retrieval.normalize import has_traditional, is_mostly_english

Lang = Literal["zh-Hans", "zh-Hant", "en"]


def detect(text: str) -> Lang:
    if is_mostly_english(text):
        return "en"
    return "zh-Hant" if has_traditional(text) else "zh-Hans"


class Converter:
    """Simplified → Traditional for display; built once per service (the dictionaries load slowly)."""

    def __init__(self) -> None:
        self._s2t = opencc.OpenCC("s2t")

    def traditional(self, text: str) -> str:
        return self._s2t.convert(text)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_ORDINAL = re.compile(r"(?:第|其)\s*[（(]?([0-9]{1,2}|[一二两三四五六七八九十]{1,3})(?![0-9一二三四五六七八九十])|(最后一|末一)")


def numeral(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)


def ordinal(text: str) -> int | None:
    """The position an ask points at ("第三条" → 3, "其二" → 2, "最后一项" → -1), if it names one."""
    m = _ORDINAL.search(text)
    if m is None:
        return None
    return -1 if m.group(2) else numeral(m.group(1))
