"""The portal widget as a visitor uses it: /demo/portal.html, one script tag, Shadow DOM, streaming,
feedback, a new conversation, the character counter, the modal dialog and its focus, 长者模式, 繁體."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from opencc import OpenCC
from playwright.sync_api import expect

from tests.api.live import ROOT as REPO

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
LABEL = (REPO / "prompts" / "ui" / "zh" / "generated_label.md").read_text(encoding="utf-8").strip()  # the AI label
TITLE = "产业链链长制政策问答"
ROOT = "document.querySelector('[data-chainqa-widget]').shadowRoot"
# every displayed string of the widget, in document order: text nodes and the labelling attributes
DISPLAYED = f"""() => {{
  const out = [], w = document.createTreeWalker({ROOT}, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {{
    if (n.nodeType === 3) {{ if (n.nodeValue.trim()) out.push(n.nodeValue); }}
    else for (const a of ["aria-label", "placeholder", "title"]) if (n.getAttribute(a)) out.push(n.getAttribute(a));
  }}
  return out;
}}"""


def open_widget(page, server_url):
    page.goto(f"{server_url}/demo/portal.html")
    launcher = page.get_by_role("button", name=f"打开{TITLE}")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    return launcher


def ask(page, question: str):
    page.get_by_role("textbox", name="输入您的问题").fill(question)
    page.get_by_role("button", name="发送问题").click()


def answered(page, text: str = "曹广晶"):
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text(text)
    expect(answer.locator(".rate")).to_be_visible()  # rendered: the stream has ended
    return answer


def active(page, prop: str = "className"):
    return page.evaluate(f"{ROOT}.activeElement && {ROOT}.activeElement.{prop}")


def font_size(page) -> float:
    return float(page.locator(".panel").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_ask_see_streamed_answer_label_and_sources(page, server_url, artifacts):
    open_widget(page, server_url)
    with page.expect_response("**/api/chat/stream") as streamed:
        ask(page, QUESTION)
    assert streamed.value.headers["content-type"].startswith("text/event-stream")
    answer = answered(page)
    expect(answer.locator(".generated")).to_have_text(LABEL)
    link = answer.locator('.citation a[href*="/documents/hubei_scheme?"]').first
    expect(link).to_contain_text("湖北省制造业产业链链长制实施方案")
    expect(link).to_have_attribute("href", re.compile(rf"^{server_url}/documents/hubei_scheme\?start=\d+&end=\d+$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    citation = answer.locator(".citation").filter(has=page.locator('a[href*="/documents/hubei_scheme?"]')).first
    citation.locator("summary").click()
    expect(citation.locator("blockquote")).to_be_visible()
    expect(page.locator(".suggestions button").first).to_be_visible()
    page.screenshot(path=str(artifacts / "widget-answer.png"))


def test_feedback_buttons_post_to_the_api(page, server_url, admin_key):
    open_widget(page, server_url)
    ask(page, QUESTION)
    answer = answered(page)
    useful = answer.get_by_role("button", name="有用")
    with page.expect_response("**/api/feedback") as posted:
        useful.click()
    assert posted.value.status == 201
    expect(useful).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("status")).to_have_text("感谢反馈！")
    body = json.loads(posted.value.request.post_data)
    assert body["question"] == QUESTION and body["rating"] == 1 and "曹广晶" in body["answer"]
    rows = httpx.get(f"{server_url}/api/admin/feedback", headers={"X-API-Key": admin_key}).json()
    assert any(r["question"] == QUESTION and r["rating"] == 1 for r in rows)
    with page.expect_response("**/api/feedback"):
        answer.get_by_role("button", name="没用").click()
    expect(useful).to_have_attribute("aria-pressed", "false")


def test_new_conversation_forgets_the_history(page, server_url):
    open_widget(page, server_url)
    ask(page, QUESTION)
    answered(page)
    page.get_by_role("button", name="新对话：清空当前对话").click()
    expect(page.locator(".msg")).to_have_count(1)  # the greeting
    assert active(page, "id") == "chainqa-input"
    with page.expect_request("**/api/chat/stream") as sent:
        ask(page, "湖北汽车产业链的牵头部门是哪个？")
    assert json.loads(sent.value.post_data)["history"] == []


def test_counter_warns_and_a_long_question_is_never_cut(page, server_url, artifacts):
    open_widget(page, server_url)
    box = page.get_by_role("textbox", name="输入您的问题")
    counter = page.locator(".counter")
    box.fill("问" * 460)
    expect(counter).to_have_text("460 / 500")
    expect(counter).to_have_class("counter near")
    expect(page.locator("#chainqa-limit")).to_have_text("还可输入 40 字。")
    pasted = "湖北芯片产业链的链长是谁，" * 50  # 650 characters, as if pasted
    box.fill(pasted)
    expect(box).to_have_value(pasted)  # no maxlength: nothing is cut
    expect(counter).to_have_class("counter over")
    expect(page.locator("#chainqa-limit")).to_have_text("已超出 150 字，请删减后再发送。")
    expect(box).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="发送问题").click()
    expect(page.locator(".msg.user")).to_have_count(0)  # not sent, not lost
    expect(box).to_have_value(pasted)
    page.screenshot(path=str(artifacts / "widget-counter.png"))


def test_question_kept_after_an_error(page, server_url):
    page.route("**/api/chat/stream", lambda route: route.abort("connectionrefused"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("暂时无法连接到问答服务")
    expect(page.get_by_role("textbox", name="输入您的问题")).to_have_value(QUESTION)


def test_focus_stays_in_the_modal_dialog(page, server_url):
    open_widget(page, server_url)
    dialog = page.get_by_role("dialog", name=TITLE)
    expect(dialog).to_have_attribute("aria-modal", "true")
    for _ in range(14):  # more than the dialog's controls: Tab goes round, never out to the page
        page.keyboard.press("Tab")
        assert active(page, "tagName") is not None
    for _ in range(14):
        page.keyboard.press("Shift+Tab")
        assert active(page, "tagName") is not None
    page.locator(".suggestions button", has_text="五图作业").focus()
    page.keyboard.press("Enter")  # the suggestion buttons are replaced: the focus must not fall to <body>
    expect(page.locator(".msg.bot").last).to_contain_text("技术结构图")
    assert active(page, "id") == "chainqa-input"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert active(page) == "launcher"


def test_keyboard_only(page, server_url):
    page.goto(f"{server_url}/demo/portal.html")
    page.get_by_role("button", name=f"打开{TITLE}").focus()
    page.keyboard.press("Enter")
    assert active(page, "id") == "chainqa-input"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    answered(page)
    expect(page.get_by_role("log", name="对话记录")).to_have_attribute("aria-live", "polite")
    assert active(page, "id") == "chainqa-input"


def test_elder_mode_widens_the_panel(page, server_url, artifacts):
    open_widget(page, server_url)
    ask(page, "湖北一共有哪些重点产业链？")
    answered(page, "汽车产业链")
    before, width = font_size(page), page.locator(".panel").bounding_box()["width"]
    elder = page.get_by_role("button", name="长者模式：放大字号、加宽窗口")
    elder.click()
    expect(elder).to_have_attribute("aria-pressed", "true")
    assert font_size(page) >= before + 4
    assert page.locator(".panel").bounding_box()["width"] >= max(700, width + 300)
    page.screenshot(path=str(artifacts / "widget-elder.png"))
    elder.click()
    assert font_size(page) == before and page.locator(".panel").bounding_box()["width"] == width


@pytest.mark.parametrize("page", [{"width": 375, "height": 740}], indirect=True)
def test_mobile_width_and_full_screen_elder_mode(page, server_url, artifacts):
    open_widget(page, server_url)
    ask(page, QUESTION)
    answered(page)
    box = page.locator(".panel").bounding_box()
    assert box["width"] == 375 and box["x"] == 0
    page.get_by_role("button", name="长者模式：放大字号、加宽窗口").click()
    box = page.locator(".panel").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 740)
    page.screenshot(path=str(artifacts / "widget-mobile-elder.png"))


def test_traditional_converts_everything_shown_and_nothing_sent(page, server_url, artifacts):
    open_widget(page, server_url)
    ask(page, "湖北汽车产业链的牵头部门是哪个？")
    answered(page, "牵头部门")
    before = page.evaluate(DISPLAYED)
    trad = page.get_by_role("button", name="繁體中文")
    trad.click()
    expect(trad).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".msg.bot").last).to_contain_text("牽頭部門")
    after = page.evaluate(DISPLAYED)
    cc = OpenCC("s2tw")  # the same OpenCC data and order as the widget's table
    assert after == [cc.convert(s) for s in before]
    expect(page.get_by_role("textbox")).to_have_attribute("placeholder", "請輸入您的問題，按回車鍵發送")
    page.screenshot(path=str(artifacts / "widget-traditional.png"))
    with page.expect_request("**/api/chat/stream") as sent:
        page.get_by_role("textbox", name="輸入您的問題").fill(QUESTION)  # the labels are converted too
        page.get_by_role("button", name="發送問題").click()
    history = json.loads(sent.value.post_data)["history"]
    assert "牵头部门" in history[-1]["content"] and "牽" not in history[-1]["content"]  # the originals
    answered(page, "曹廣晶")
    page.get_by_role("button", name="繁體中文").click()
    expect(page.locator(".msg.bot").last).to_contain_text("曹广晶")


def test_traditional_agrees_with_opencc_over_whole_documents(page, server_url, documents):
    """Every line of two source documents, shown as an answer: converted exactly as OpenCC converts it."""
    text = documents["hunan_article"].text + "\n" + documents["hubei_press"].text
    answer = {"answer": text, "citations": [], "suggestions": [], "generated": True}
    page.route("**/api/chat/stream", lambda route: route.fulfill(
        status=200, content_type="text/event-stream", body=f"data: {json.dumps({'answer': answer})}\n\n"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.locator(".msg.bot .rate")).to_be_visible()
    before = page.evaluate(DISPLAYED)
    page.get_by_role("button", name="繁體中文").click()
    expect(page.get_by_role("button", name="繁體中文")).to_have_attribute("aria-pressed", "true")
    cc = OpenCC("s2tw")
    after, expected = page.evaluate(DISPLAYED), [cc.convert(s) for s in before]
    assert len(after) == len(expected) and sum(len(s) for s in before) > 5000
    assert [(a, e) for a, e in zip(after, expected, strict=True) if a != e] == []


def test_suggestion_click_asks_it(page, server_url):
    open_widget(page, server_url)
    page.locator(".suggestions button", has_text="五图作业").click()
    expect(page.locator(".msg.bot").last).to_contain_text("技术结构图")
