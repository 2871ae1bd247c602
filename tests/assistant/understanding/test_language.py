"""The asker's language, and the positions asks name."""

from __future__ import annotations

import pytest

from assistant.understanding.language import detect, numeral, ordinal


def test_the_language_of_an_ask():
    assert detect("Who leads the chip chain in Hubei?") == "en"
    assert detect("湖北芯片這條鏈誰是鏈長") == "zh-Hant"
    assert detect("湖北芯片这条链谁是链长") == "zh-Hans"


@pytest.mark.parametrize(("text", "n"), [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("两", 2), ("7", 7)])
def test_numerals(text, n):
    assert numeral(text) == n


@pytest.mark.parametrize(("ask", "n"), [("第三条讲什么", 3), ("其二呢", 2), ("最后一项", -1), ("第12个", 12), ("有几条", None)])
def test_the_position_an_ask_names(ask, n):
    assert ordinal(ask) == n
