"""The Gradio UI at /ui: chat with labelled answers, source links and feedback, Chinese throughout, the
copyable conversation, the newcomer tab with its searchable glossary, the division-of-labour tables."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.live import LiveServer, make_settings, shared_data_dir
from tests.browser.test_widget import LABEL

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
ALLOWED_LATIN = {"ChainQA", "CSV"}  # names, not words to translate
# every string Gradio may show or read out: text nodes and the labelling attributes
STRINGS = """() => {
  const out = [];
  const walk = (root) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = w.currentNode; n; n = w.nextNode()) {
      if (n.nodeType === 3) {
        if (n.parentElement && !n.parentElement.closest("script, style") && n.nodeValue.trim()) out.push(n.nodeValue);
      } else {
        for (const a of ["aria-label", "title", "placeholder", "alt"]) if (n.getAttribute(a)) out.push(n.getAttribute(a));
      }
    }
  };
  walk(document.body);
  return out;
}"""


def ask(page, question: str):
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()


def english(page) -> set[str]:
    words = set()
    for s in page.evaluate(STRINGS):
        words |= set(re.findall(r"[A-Za-z]{3,}", s)) - ALLOWED_LATIN
    return words


def test_chat_shows_labelled_answer_with_source_links(page, server_url, artifacts, admin_key):
    page.goto(f"{server_url}/ui/")
    expect(page.locator("#suggestions")).to_be_hidden()  # no "您还可以问" with nothing under it
    ask(page, QUESTION)
    chat = page.locator("#chat")
    expect(chat).to_contain_text("曹广晶")
    expect(chat.locator(".generated")).to_have_text(LABEL)
    link = chat.locator('a[href^="/documents/hubei_scheme?"]').first
    expect(link).to_contain_text("湖北省制造业产业链链长制实施方案")
    expect(link).to_have_attribute("href", re.compile(r"^/documents/hubei_scheme\?start=\d+&end=\d+$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile("noopener"))
    expect(page.locator("#suggestions")).to_contain_text("曹广晶")
    page.screenshot(path=str(artifacts / "ui-chat.png"), full_page=True)

    page.get_by_role("button", name="踩").last.click()
    expect(page.locator("#feedback-status")).to_contain_text("已记录")
    rows = httpx.get(f"{server_url}/api/admin/feedback", headers={"X-API-Key": admin_key}).json()
    mine = next(r for r in rows if r["question"] == QUESTION and r["rating"] == -1)
    assert "曹广晶" in mine["answer"] and "AI 生成" not in mine["answer"] and "/documents/" not in mine["answer"]


def test_conversation_copies_with_chinese_labels(page, server_url):
    page.goto(f"{server_url}/ui/")
    ask(page, QUESTION)
    expect(page.locator("#chat")).to_contain_text("曹广晶")
    page.get_by_text("复制整段对话").click()
    transcript = page.locator("#transcript textarea")
    # the final answer's text (streaming updates it until then), its sources as plain titles
    expect(transcript).to_have_value(re.compile(r"^用户：湖北芯片这条链谁是链长？\s+助手：.*曹广晶.*出处：", re.S))
    value = transcript.input_value()
    assert "user:" not in value and "assistant:" not in value and "](" not in value and "**" not in value
    assert "湖北省制造业产业链链长制实施方案" in value.split("出处：")[1]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_chinese_throughout(browser, server_url, locale):
    """Whatever the browser's language: Gradio's own buttons, labels and screen-reader names included."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(f"{server_url}/ui/")
        ask(page, QUESTION)
        expect(page.locator("#chat")).to_contain_text("曹广晶")
        page.get_by_role("button", name="赞").last.click()
        expect(page.locator("#feedback-status")).to_contain_text("感谢反馈")
        found = english(page)
        for tab, shown, text in (("新手入门", "#glossary", "术语"), ("分工表", "#table-note", "※")):
            page.get_by_role("tab", name=tab).click()
            expect(page.locator(shown)).to_contain_text(text)
            expect(page.locator(".pending")).to_have_count(0)  # Gradio's update has landed
            found |= english(page)
        assert not found, sorted(found)
    finally:
        context.close()


def test_refused_question_stays_in_the_box(page, server_url):
    page.goto(f"{server_url}/ui/")
    long_question = "湖北芯片产业链的链长是谁，" * 50  # 650 characters, over the 500 limit
    ask(page, long_question)
    expect(page.locator("#chat")).to_contain_text("【提示】问题或对话太长（问题最多 500 字）")
    expect(page.locator("#question textarea")).to_have_value(long_question)  # never cut, never lost


def test_connection_lost_notice_is_chinese(browser, tmp_path_factory, artifacts):
    """The server goes away under an open page (its own context: the page's failed loads are expected)."""
    from assistant.api.app import create_app

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    server = LiveServer(create_app(make_settings(shared_data_dir(tmp_path_factory))))
    url = server.__enter__()
    try:
        page.goto(f"{url}/ui/")
        expect(page.locator("#question textarea")).to_be_visible()
    finally:
        server.__exit__(None, None, None)
    try:
        _lost_connection(page, artifacts)
    finally:
        context.close()


def _lost_connection(page, artifacts):
    ask(page, QUESTION)
    toast = page.get_by_test_id("toast-body")
    expect(toast).to_contain_text("与服务器的连接已中断")
    expect(toast).to_contain_text("错误")
    expect(toast.get_by_test_id("toast-close")).to_have_attribute("aria-label", "关闭")
    page.screenshot(path=str(artifacts / "ui-connection-lost.png"))


def test_newcomer_tab_glossary_search_and_starters(page, server_url, artifacts):
    page.goto(f"{server_url}/ui/")
    page.get_by_role("tab", name="新手入门").click()
    expect(page.get_by_text("什么是产业链链长制？")).to_be_visible()
    glossary = page.locator("#glossary")
    expect(glossary).to_contain_text("技术结构图、应用领域图")  # 五图作业: no definition yet, so the quote
    expect(glossary).to_contain_text("链长制")
    search = page.locator("#glossary-search textarea, #glossary-search input").first
    search.fill("五图")
    expect(glossary).to_contain_text("共 1 条术语")
    expect(glossary).not_to_contain_text("总链长")
    source = glossary.get_by_role("link", name=re.compile("湖北省制造业产业链链长制实施方案"))
    expect(source).to_have_attribute("href", re.compile(r"^/documents/hubei_scheme\?start=\d+&end=\d+$"))
    page.screenshot(path=str(artifacts / "ui-newcomer.png"), full_page=True)
    search.fill("量子纠缠")
    expect(glossary).to_contain_text("没有找到")
    search.fill("")
    page.get_by_role("button", name=QUESTION).click()
    expect(page.locator("#chat")).to_contain_text("曹广晶")


def test_tables_tab_alias_filter_columns_and_csv(page, server_url, artifacts):
    page.goto(f"{server_url}/ui/")
    page.get_by_role("tab", name="分工表").click()
    table, note = page.locator("#chains"), page.locator("#table-note")
    expect(table).to_contain_text("集成电路产业链")
    expect(table).to_contain_text("※")
    expect(note).to_contain_text("没有职务、牵头部门、联络员、联络处室这几列")  # why Hunan rows show —
    needle = page.locator("#table-filter textarea, #table-filter input").first
    needle.fill("芯片")  # an alias, resolved as the tools resolve it
    expect(table).to_contain_text("集成电路产业链")
    expect(table).not_to_contain_text("汽车产业链")
    needle.fill("工信厅")  # a department family: 省经信厅 leads 集成电路
    expect(table).to_contain_text("集成电路产业链")
    needle.fill("量子计算")
    expect(note).to_contain_text("没有找到")
    needle.fill("")
    page.locator("#province").get_by_text("湖南").click()
    expect(table).to_contain_text("工程机械")
    expect(table).not_to_contain_text("集成电路产业链")
    expect(table).not_to_contain_text("牵头部门")  # the column Hunan's table does not have
    needle.fill("许达哲")
    expect(table).not_to_contain_text("毛伟明")
    href = page.locator("#csv").get_attribute("href")
    assert href.startswith("/api/tables/chains.csv?province=")
    csv = httpx.get(f"{server_url}{href}")
    assert csv.status_code == 200 and "工程机械" in csv.text and "集成电路产业链" not in csv.text
    page.screenshot(path=str(artifacts / "ui-tables.png"), full_page=True)
