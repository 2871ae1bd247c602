"""The portal widget as a visitor uses it: /demo/portal.html, one script tag, Shadow DOM, streaming."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.api.live import LiveServer, make_settings, shared_data_dir

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
TITLE = "产业链链长制政策问答"


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


def font_size(page) -> float:
    return float(page.locator(".panel").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_ask_see_streamed_answer_citation_and_elder_mode(page, server_url, artifacts):
    open_widget(page, server_url)
    with page.expect_response("**/api/chat/stream") as streamed:
        ask(page, QUESTION)
    assert streamed.value.headers["content-type"].startswith("text/event-stream")
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text("曹广晶")
    citation = answer.locator("details.citation").first
    expect(citation.locator("summary")).to_contain_text("湖北省制造业产业链链长制实施方案")
    citation.locator("summary").click()
    expect(citation.locator("blockquote")).to_be_visible()
    expect(citation.locator("blockquote")).to_contain_text("曹广晶")
    expect(page.locator(".suggestions button").first).to_be_visible()
    page.screenshot(path=str(artifacts / "widget-answer.png"))

    before = font_size(page)
    elder = page.get_by_role("button", name="长者模式：放大字号")
    elder.click()
    expect(elder).to_have_attribute("aria-pressed", "true")
    assert font_size(page) >= before + 4
    page.screenshot(path=str(artifacts / "widget-elder.png"))
    elder.click()
    assert font_size(page) == before


def test_traditional_chinese_toggle(page, server_url, artifacts):
    open_widget(page, server_url)
    ask(page, QUESTION)
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text("曹广晶")
    trad = page.get_by_role("button", name="繁體中文：将回答转换为繁体字")
    trad.click()
    expect(trad).to_have_attribute("aria-pressed", "true")
    expect(answer).to_contain_text("曹廣晶")
    expect(answer).to_contain_text("產業鏈")
    page.screenshot(path=str(artifacts / "widget-traditional.png"))
    trad.click()
    expect(answer).to_contain_text("曹广晶")


def test_suggestion_click_asks_it(page, server_url):
    open_widget(page, server_url)
    page.locator(".suggestions button", has_text="五图作业").click()
    expect(page.locator(".msg.bot").last).to_contain_text("技术结构图")


def test_script_in_the_question_does_not_execute(page, server_url):
    open_widget(page, server_url)
    evil = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">湖北芯片这条链谁是链长？'
    ask(page, evil)
    expect(page.locator(".msg.user").last).to_have_text(evil)
    expect(page.locator(".msg.bot").last).not_to_contain_text("正在查找")
    assert page.evaluate("window.__xss") is None
    assert page.locator(".log img, .log script").count() == 0


def test_markup_in_the_answer_is_shown_as_text(page, server_url):
    """Even a service that returned markup (a compromised model) cannot inject it."""
    hostile = {"answer": '<img src=x onerror="window.__xss=3"> **<b>粗</b>**', "refused": False,
               "citations": [{"doc_id": "x", "doc_title": "<script>window.__xss=4</script>", "section": "",
                              "quote": "<iframe src=javascript:alert(1)>"}], "suggestions": ["<svg onload=x>"]}
    body = f"data: {json.dumps({'delta': hostile['answer']})}\n\ndata: {json.dumps({'answer': hostile})}\n\n"
    page.route("**/api/chat/stream", lambda route: route.fulfill(status=200, body=body,
                                                                 content_type="text/event-stream"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text('<img src=x onerror="window.__xss=3">')
    expect(answer.locator("summary")).to_contain_text("<script>")
    assert page.evaluate("window.__xss") is None
    assert page.locator(".log img, .log script, .log iframe, .suggestions svg").count() == 0


def test_unreachable_service_shows_a_clear_error(page, server_url, artifacts):
    page.route("**/api/chat/stream", lambda route: route.abort("connectionrefused"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("暂时无法连接到问答服务")
    page.screenshot(path=str(artifacts / "widget-unreachable.png"))


def test_service_errors_are_shown(page, server_url):
    page.route("**/api/chat/stream", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "7"}, content_type="application/json",
        body=json.dumps({"error": {"code": "rate_limited", "message": "too many requests"}})))
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("7 秒后再试")


def test_keyboard_only(page, server_url):
    page.goto(f"{server_url}/demo/portal.html")
    launcher = page.get_by_role("button", name=f"打开{TITLE}")
    launcher.focus()
    page.keyboard.press("Enter")
    active = "document.querySelector('[data-chainqa-widget]').shadowRoot.activeElement"
    assert page.evaluate(f"{active}.id") == "chainqa-input"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot").last).to_contain_text("曹广晶")
    log = page.get_by_role("log", name="对话记录")
    expect(log).to_have_attribute("aria-live", "polite")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    assert page.evaluate(f"{active}.className") == "launcher"


@pytest.mark.parametrize("page", [{"width": 375, "height": 740}], indirect=True)
def test_mobile_width(page, server_url, artifacts):
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.locator(".msg.bot").last).to_contain_text("曹广晶")
    box = page.locator(".panel").bounding_box()
    assert box["width"] == 375 and box["x"] == 0
    page.screenshot(path=str(artifacts / "widget-mobile.png"))


@pytest.fixture(scope="module")
def two_origins(tmp_path_factory):
    """A portal on one origin and ChainQA on another, which allows that portal (and no other) by CORS."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from assistant.api.app import create_app

    def page(request):
        api = request.app.state.api
        return HTMLResponse(f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
                            f'<h1>门户</h1><script src="{api}/widget.js" data-api="{api}"></script></body></html>')

    allowed, denied = Starlette(routes=[Route("/", page)]), Starlette(routes=[Route("/", page)])
    with LiveServer(allowed) as allowed_url, LiveServer(denied) as denied_url:
        settings = make_settings(shared_data_dir(tmp_path_factory), cors_origins=[allowed_url])
        with LiveServer(create_app(settings)) as api:
            allowed.state.api = denied.state.api = api
            yield allowed_url, denied_url


def test_widget_on_another_origin(page, two_origins):
    """The same script tag on another site, with data-api: CORS lets only the configured portal in."""
    allowed_url, denied_url = two_origins
    page.goto(allowed_url)
    page.get_by_role("button", name=f"打开{TITLE}").click()
    ask(page, QUESTION)
    expect(page.locator(".msg.bot").last).to_contain_text("曹广晶")
    page.goto(denied_url)
    page.get_by_role("button", name=f"打开{TITLE}").click()
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("暂时无法连接到问答服务")
