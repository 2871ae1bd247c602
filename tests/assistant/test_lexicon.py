"""The lexicon as data: the import format, its errors (nothing half imported), edits and the export."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidLexicon
from assistant.lexicon import Lexicon, Term, export, load, parse
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "lexicon.csv"


def test_one_term_a_line_or_csv_with_defaults_and_the_allow_list():
    terms, allow = parse("\ufeff# comment\n\n军火\n傻逼,辱骂,mask\n加微信,广告,FLAG\n\"a,b\",自定义,block\n军民融合,,allow\n")
    assert [(t.term, t.category, t.action) for t in terms] == [
        ("军火", "自定义", "block"), ("傻逼", "辱骂", "mask"), ("加微信", "广告", "flag"), ("a,b", "自定义", "block")]
    assert allow == ["军民融合"]


@pytest.mark.parametrize("text, reason", [
    ("军火,违法,ban", "unknown action 'ban'"),
    (",违法,block", "line 1: term"),
    ("军火,违法,block,extra", "at most three columns"),
    ("x" * 51, "line 1: term"),
])
def test_a_bad_line_refuses_the_whole_import_naming_it(text, reason):
    with pytest.raises(InvalidLexicon, match=reason):
        parse(text)


def test_every_bad_line_is_named():
    with pytest.raises(InvalidLexicon) as info:
        parse("好词\n坏词,x,nope\n另一个,y,never\n")
    assert "line 2" in str(info.value) and "line 3" in str(info.value)


def test_edits_replace_remove_and_toggle():
    lex = Lexicon(terms=[Term(term="军火")], allow=["军民融合"])
    lex = lex.merged([Term(term="军火", action="mask"), Term(term="毒品交易")], ["军民融合", "产业链"])
    assert [(t.term, t.action) for t in lex.terms] == [("军火", "mask"), ("毒品交易", "block")]
    assert lex.allow == ["军民融合", "产业链"]
    assert not lex.toggled("军火", False).terms[0].enabled
    assert not lex.without("军火").has("军火") and not lex.without("产业链").has("产业链")


def test_the_fixture_loads_and_round_trips_through_the_export(tmp_path):
    lex = load(FIXTURE)
    assert len(lex.terms) >= 10 and "军民融合" in lex.allow
    again = tmp_path / "again.csv"
    again.write_text(export(lex), encoding="utf-8")
    assert load(again) == lex
    assert load(tmp_path / "missing.csv") == Lexicon() and load(None) == Lexicon()
