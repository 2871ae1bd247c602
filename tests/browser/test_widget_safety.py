"""The portal widget when something goes wrong: markup in a question or in an answer stays text, an
unreachable or refusing service gets a clear Chinese message, another origin is allowed only by CORS."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.api.live import LiveServer, make_settings, shared_data_dir
from tests.browser.test_widget import QUESTION, TITLE, answered, ask, open_widget

pytestmark = pytest.mark.browser


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
               "citations": [{"doc_id": "x\"><script>", "doc_title": "<script>window.__xss=4</script>",
                              "section": "", "quote": "<iframe src=javascript:alert(1)>"}],
               "suggestions": ["<svg onload=x>"], "generated": True}
    body = f"data: {json.dumps({'delta': hostile['answer']})}\n\ndata: {json.dumps({'answer': hostile})}\n\n"
    page.route("**/api/chat/stream", lambda route: route.fulfill(status=200, body=body,
                                                                 content_type="text/event-stream"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text('<img src=x onerror="window.__xss=3">')
    expect(answer.locator(".citation a")).to_contain_text("<script>")
    href = answer.locator(".citation a").get_attribute("href")
    assert href.endswith("/documents/x%22%3E%3Cscript%3E")  # an id is a path segment, encoded
    assert page.evaluate("window.__xss") is None
    assert page.locator(".log img, .log script, .log iframe, .suggestions svg").count() == 0


def test_unreachable_service_shows_a_clear_error(page, server_url, artifacts):
    page.route("**/api/chat/stream", lambda route: route.abort("connectionrefused"))
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("暂时无法连接到问答服务")
    page.screenshot(path=str(artifacts / "widget-unreachable.png"))


def test_service_errors_are_shown_in_chinese(page, server_url):
    page.route("**/api/chat/stream", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "7"}, content_type="application/json",
        body=json.dumps({"error": {"code": "rate_limited", "message": "too many requests"}})))
    open_widget(page, server_url)
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("7 秒后再试")
    page.unroute("**/api/chat/stream")
    page.route("**/api/chat/stream", lambda route: route.fulfill(
        status=413, content_type="application/json",
        body=json.dumps({"error": {"code": "too_large", "message": "history is longer than 8000 characters"}})))
    ask(page, QUESTION)
    expect(page.get_by_role("alert").last).to_have_text("问题或对话太长，请精简后再试。")


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
    answered(page)
    page.goto(denied_url)
    page.get_by_role("button", name=f"打开{TITLE}").click()
    ask(page, QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("暂时无法连接到问答服务")
