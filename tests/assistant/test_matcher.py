"""Matching terms in normalised text: full width, Traditional forms, spacing and punctuation between the
characters, the allow-list, and spans of the original text for masking."""

from __future__ import annotations

import pytest

from assistant.lexicon import Lexicon, Term
from assistant.matcher import Matcher, excerpt, folded, masked

LEX = Lexicon(terms=[Term(term="军火"), Term(term="军民", category="涉政"), Term(term="傻逼", action="mask"),
                     Term(term="AbC"), Term(term="停用词", enabled=False)], allow=["军民融合"])


@pytest.fixture(scope="module")
def matcher():
    return Matcher(LEX)


@pytest.mark.parametrize("text", ["买军火", "买 军 火", "军，火", "軍火", "軍　·　火", "买军-火吗", "x a b c", "ＡＢＣ"])
def test_a_term_is_found_however_it_is_spread_or_written(matcher, text):
    assert matcher.find(text), text


@pytest.mark.parametrize("text", ["推进军民融合发展", "軍民融合", "产业链链长制", "停用词", "军队和火车"])
def test_allow_listed_phrases_and_disabled_terms_do_not_count(matcher, text):
    assert matcher.find(text) == []


def test_a_term_outside_the_allow_listed_occurrence_still_counts(matcher):
    found = matcher.find("军民融合与军民关系")
    assert [(m.term.term, m.start, m.end) for m in found] == [("军民", 5, 7)]


def test_spans_are_of_the_original_text_for_masking(matcher):
    text = "你这个傻 . 逼，去买軍火"
    found = matcher.find(text)
    assert [text[m.start : m.end] for m in found] == ["傻 . 逼", "軍火"]
    assert masked(text, found) == "你这个*****，去买**"
    assert "軍火" not in excerpt(text, found[1]) and excerpt(text, found[1]).endswith("**")


def test_folding_maps_every_character_back():
    norm, origin = folded("Ａ，軍 火")
    assert norm == "a军火" and origin == [0, 2, 4]


def test_an_empty_lexicon_finds_nothing():
    assert not Matcher(Lexicon()) and Matcher(Lexicon()).find("军火") == []
