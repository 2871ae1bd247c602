"""Accessibility: axe-core 4 in the real browser on every page state a user meets (/ui empty and with an
answer, the demo portal with the widget closed, open, answering, in 长者模式, in 繁體, on a phone, the
document viewer): 0 critical and 0 serious violations, every rule on, nothing excluded (tests/browser/axe.py)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.axe import check

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
TITLE = "产业链链长制政策问答"
MOBILE = {"width": 375, "height": 740}


def settled(page):
    """Gradio fades a component (opacity .2, class `pending`) while an event updates it: wait it out, and
    for the fade back to finish (axe read a link at opacity .8 as too little contrast: #5283ef on white)."""
    expect(page.locator(".pending")).to_have_count(0)
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
        .map(a => a.finished.catch(() => null)))""")  # a cancelled animation (its element replaced) is done too


def ui_answer(page, server_url):
    page.goto(f"{server_url}/ui/")
    page.locator("#question textarea").fill(QUESTION)
    page.locator("#send").click()
    expect(page.locator("#chat").get_by_role("link").first).to_be_visible()  # the final answer, with sources
    expect(page.locator("#suggestions")).to_be_visible()
    settled(page)


def widget_answer(page, server_url):
    page.goto(f"{server_url}/demo/portal.html")
    page.get_by_role("button", name=f"打开{TITLE}").click()
    page.get_by_role("textbox", name="输入您的问题").fill(QUESTION)
    page.get_by_role("button", name="发送问题").click()
    expect(page.locator(".msg.bot .rate").last).to_be_visible()


def test_ui_empty(page, server_url, artifacts, axe_js):
    page.goto(f"{server_url}/ui/")
    expect(page.locator("#question textarea")).to_be_visible()
    settled(page)
    check(page, "ui-empty", artifacts, axe_js)


def test_ui_with_an_answer(page, server_url, artifacts, axe_js):
    ui_answer(page, server_url)
    check(page, "ui-answer", artifacts, axe_js)


@pytest.mark.parametrize("tab", ["新手入门", "分工表"])
def test_ui_reference_tabs(page, server_url, artifacts, axe_js, tab):
    page.goto(f"{server_url}/ui/")
    page.get_by_role("tab", name=tab).click()
    shown = page.locator("#table-note") if tab == "分工表" else page.locator("#glossary")
    expect(shown).to_contain_text("※" if tab == "分工表" else "术语")
    settled(page)
    check(page, f"ui-{'newcomer' if tab == '新手入门' else 'tables'}", artifacts, axe_js)


def test_portal_with_the_widget_closed(page, server_url, artifacts, axe_js):
    page.goto(f"{server_url}/demo/portal.html")
    expect(page.get_by_role("button", name=f"打开{TITLE}")).to_be_visible()
    check(page, "widget-closed", artifacts, axe_js)


def test_widget_open(page, server_url, artifacts, axe_js):
    page.goto(f"{server_url}/demo/portal.html")
    page.get_by_role("button", name=f"打开{TITLE}").click()
    expect(page.locator(".suggestions button").first).to_be_visible()
    check(page, "widget-open", artifacts, axe_js)


def test_widget_answer_elder_and_traditional(page, server_url, artifacts, axe_js):
    widget_answer(page, server_url)
    check(page, "widget-answer", artifacts, axe_js)
    page.get_by_role("button", name="长者模式：放大字号、加宽窗口").click()
    check(page, "widget-elder", artifacts, axe_js)
    page.get_by_role("button", name="繁體中文").click()
    expect(page.locator(".msg.bot").last).to_contain_text("曹廣晶")
    check(page, "widget-traditional", artifacts, axe_js)


@pytest.mark.parametrize("page", [MOBILE], indirect=True)
def test_widget_on_a_phone(page, server_url, artifacts, axe_js):
    page.goto(f"{server_url}/demo/portal.html")
    check(page, "widget-mobile-closed", artifacts, axe_js)
    widget_answer(page, server_url)
    check(page, "widget-mobile-answer", artifacts, axe_js)
    page.get_by_role("button", name="长者模式：放大字号、加宽窗口").click()
    check(page, "widget-mobile-elder", artifacts, axe_js)


def quoted(server_url) -> str:
    """The viewer at a table-row citation (offsets found in the text, not written down here)."""
    text = httpx.get(f"{server_url}/api/documents/hubei_scheme").json()["text"]
    start = text.index("| 曹广晶")
    return f"{server_url}/documents/hubei_scheme?start={start}&end={text.index(chr(10), start)}"


def test_document_viewer(page, server_url, artifacts, axe_js):
    page.goto(quoted(server_url))
    expect(page.locator("#hl")).to_be_in_viewport()
    check(page, "viewer", artifacts, axe_js)
    page.goto(f"{server_url}/documents/hunan_plan")
    check(page, "viewer-plain", artifacts, axe_js)
    page.goto(f"{server_url}/documents/no_such_document")
    check(page, "viewer-not-found", artifacts, axe_js)


@pytest.mark.parametrize("page", [MOBILE], indirect=True)
def test_document_viewer_on_a_phone(page, server_url, artifacts, axe_js):
    page.goto(quoted(server_url))
    check(page, "viewer-mobile", artifacts, axe_js)
