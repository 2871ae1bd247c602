"""The Gradio UI at /ui: chat with sources and feedback, the newcomer tab, the division-of-labour tables."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"


def ask(page, question: str):
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()


def test_chat_shows_answer_and_sources(page, server_url, artifacts, admin_key):
    page.goto(f"{server_url}/ui/")
    ask(page, QUESTION)
    chat = page.locator("#chat")
    expect(chat).to_contain_text("曹广晶")
    source = chat.get_by_text("出处：《湖北省制造业产业链链长制实施方案").first
    expect(source).to_be_visible()
    quotes = chat.locator("blockquote")
    expect(quotes).to_have_count(1)  # the answer's own; the source's quote is collapsed
    source.click()
    expect(quotes).to_have_count(2)
    expect(quotes.last).to_contain_text("集成电路产业链")
    expect(page.locator("#suggestions")).to_contain_text("曹广晶")
    page.screenshot(path=str(artifacts / "ui-chat.png"), full_page=True)

    page.get_by_role("button", name="踩").last.click()  # 👎 (Gradio's zh-CN label)
    expect(page.get_by_text("已记录")).to_be_visible()
    rows = httpx.get(f"{server_url}/api/admin/feedback", headers={"X-API-Key": admin_key}).json()
    assert any(r["question"] == QUESTION and r["rating"] == -1 and "曹广晶" in r["answer"] for r in rows)


def test_newcomer_tab_glossary_and_starters(page, server_url, artifacts):
    page.goto(f"{server_url}/ui/")
    page.get_by_role("tab", name="新手入门").click()
    expect(page.get_by_text("什么是产业链链长制？")).to_be_visible()
    expect(page.get_by_text("技术结构图、应用领域图").first).to_be_visible()  # 五图作业, quoted
    page.screenshot(path=str(artifacts / "ui-newcomer.png"), full_page=True)
    page.get_by_role("button", name=QUESTION).click()
    expect(page.locator("#chat")).to_contain_text("曹广晶")


def test_tables_tab_filter_and_csv(page, server_url, artifacts):
    page.goto(f"{server_url}/ui/")
    page.get_by_role("tab", name="分工表").click()
    table = page.locator("#chains")
    expect(table).to_contain_text("集成电路产业链")
    expect(table).to_contain_text("※")
    page.locator("#province").get_by_text("湖南").click()
    expect(table).to_contain_text("工程机械")
    expect(table).not_to_contain_text("集成电路产业链")
    page.locator("#table-filter textarea, #table-filter input").first.fill("许达哲")
    expect(table).not_to_contain_text("毛伟明")
    href = page.locator("#csv").get_attribute("href")
    assert href.startswith("/api/tables/chains.csv?province=")
    csv = httpx.get(f"{server_url}{href}")
    assert csv.status_code == 200 and "工程机械" in csv.text and "集成电路产业链" not in csv.text
    page.screenshot(path=str(artifacts / "ui-tables.png"), full_page=True)
