"""What an answerer reads: templates in the asker's language, evidence (a quoted table row shown with its column
names), English names with the Chinese kept, the current documents only, titles and province names."""

from __future__ import annotations

import dataclasses
import datetime as dt

from assistant.offline.reply import Context
from assistant.understanding.dialogue import Dialogue


def test_templates_in_the_askers_language(context):
    assert context().say("yes") != context("en").say("yes")
    assert context("zh-Hant").say("yes") == context().say("yes")  # both scripts share the Chinese templates


def test_a_quoted_table_row_is_shown_with_its_column_names(context, deps):
    row = deps.cite("hubei_scheme", "| 曹广晶 | 副省长 | 集成电路产业链 | 省经信厅 | 郭 涛 | 电子处 |")
    sentence = deps.cite("hubei_scheme", "鄂政办发〔2021〕23号")
    shown_row, shown_sentence = context().evidence([row, sentence])
    assert shown_row.shown and "链长姓名：曹广晶" in shown_row.shown and shown_sentence.shown is None


def test_english_names_keep_the_chinese(context):
    en = context("en")
    assert en.en_name("曹广晶") == "Cao Guangjing (曹广晶)" and en.en_name(None) == "" and en.en_name("某某某") == "某某某"
    assert en.province_name("湖北") == "Hubei" and context().province_name("湖北") == "湖北"


def test_a_title_names_the_organisation_once(context, tables):
    people = {p.name: p for p in tables.facts.people}
    assert context().title_of(people["袁德芳"]) == "省发改委党组成员、副主任"
    assert context("en").title_of(people["袁德芳"]) == "省发改委, 党组成员、副主任"
    assert context("en").title_of(people["彭军"]) == people["彭军"].title  # 省政协副主席 names its 省政协


def test_rows_of_a_superseded_document_give_way_unless_its_year_is_asked(service, asked, tables):
    """A newer scheme in the base that supersedes the 2021 one: the 2021 rows drop out, unless the ask says 2021."""
    old = tables.meta("hubei_scheme")
    newer = old.model_copy(update={"id": "hubei_scheme_2024", "date": dt.date(2024, 3, 1), "supersedes": old.id})
    deps = dataclasses.replace(service.deps, tables=tables.model_copy(update={"documents": [*tables.documents, newer]}))
    ctx = Context(deps, service.prompts, service.index.search, "zh-Hans", Dialogue())
    rows = [r for r in tables.chains if r.chain in ("集成电路产业链", "工程机械")]
    _, now = asked("芯片和工程机械的链长是谁")
    assert [r.chain for r in ctx.current(rows, now)] == ["工程机械"]
    _, then = asked("2021年芯片和工程机械的链长是谁")
    assert ctx.current(rows, then) == rows
    assert ctx.current(rows[:1], now) == rows[:1]  # nothing newer to give: the old rows stay
