"""Which language an ask is in, and conversion of answer text for Traditional Chinese askers (OpenCC)."""

from __future__ import annotations

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
