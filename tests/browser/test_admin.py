"""The operators' loop in real Chromium: a visitor's question is refused in the portal widget; an operator
signs in to /admin with a named key, opens that refused question, adds the nickname as an alias, and the
visitor's same question is answered with the right fact and its citation; the operator's rollback brings
the refusal back. The quote picker fills a curated answer's citation from the document text. axe-core:
0 critical/serious violations on the sign-in form and on the page with a question open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.api.live import LiveServer, make_settings, shared_data_dir
from tests.browser.axe import check

pytestmark = pytest.mark.browser
QUESTION = "湖北晶圆这条链谁是链长？"  # refused today: the engine does not know 晶圆 as 集成电路产业链
REFUSAL = "没有能回答这个问题的内容"
TITLE = "产业链链长制政策问答"
KEY_NAME, KEY = "ops-alice", "ops-alice-key-0123456789"
SCHEME = "湖北省制造业产业链链长制实施方案"


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory):
    from assistant.api.app import create_app

    data_dir = shared_data_dir(tmp_path_factory)
    store = tmp_path_factory.mktemp("admin-browser") / "store.sqlite3"
    settings = make_settings(data_dir, store_url=f"sqlite:///{store}", admin_keys={KEY_NAME: KEY})
    with LiveServer(create_app(settings)) as url:
        yield url


def visitor_asks(page, url: str):
    """A fresh portal page (a new conversation); the widget's last answer once its stream has ended."""
    page.goto(f"{url}/demo/portal.html")
    page.get_by_role("button", name=f"打开{TITLE}").click()
    page.get_by_role("textbox", name="输入您的问题").fill(QUESTION)
    page.get_by_role("button", name="发送问题").click()
    answer = page.locator(".msg.bot").last
    expect(answer.locator(".rate")).to_be_visible()
    return answer


def sign_in(page, url: str) -> None:
    page.goto(f"{url}/admin")
    page.get_by_label("管理密钥").fill(KEY)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("问答运维 · 未答问题处理")


def open_question(page) -> None:
    row = page.get_by_role("row").filter(has_text=QUESTION)
    expect(row).to_contain_text("拒答")
    row.get_by_role("link", name=f"处理：{QUESTION}").click()
    expect(page.locator(".question")).to_have_text(QUESTION)


def test_an_operator_fixes_a_refused_question_with_an_alias_and_rolls_it_back(page, admin_url, artifacts):
    expect(visitor_asks(page, admin_url)).to_contain_text(REFUSAL)

    sign_in(page, admin_url)
    open_question(page)
    now = page.locator("#now")
    expect(now).to_contain_text("现在：拒答")
    page.get_by_label("说法").fill("晶圆")
    page.get_by_label("它指的是").select_option(label="集成电路产业链（湖北）")
    page.get_by_role("button", name="添加别名").click()
    expect(page.get_by_role("status").filter(has_text="已保存为版本")).to_contain_text("别名“晶圆”")
    expect(now).to_contain_text("现在：已回答")
    expect(now.locator(".answer")).to_contain_text("链长是**曹广晶**")
    expect(now.get_by_role("link", name=re.compile(SCHEME))).to_have_attribute(
        "href", re.compile(r"^/documents/hubei_scheme\?start=\d+&end=\d+$"))
    expect(page.get_by_role("row").filter(has_text="加别名")).to_contain_text(KEY_NAME)
    page.screenshot(path=str(artifacts / "admin-fixed.png"), full_page=True)

    answer = visitor_asks(page, admin_url)
    expect(answer).to_contain_text("曹广晶")
    expect(answer.locator('.citation a[href*="/documents/hubei_scheme?"]').first).to_contain_text(SCHEME)

    page.goto(f"{admin_url}/admin")  # still signed in: the cookie lasts admin_session_hours
    open_question(page)
    page.get_by_role("button", name="撤销最近一次修改（回滚到上一版本）").click()
    expect(page.get_by_role("status").filter(has_text="已保存为版本")).to_contain_text("回滚到版本 0")
    expect(page.locator("#now")).to_contain_text("现在：拒答")
    answer = visitor_asks(page, admin_url)
    expect(answer).to_contain_text(REFUSAL)
    expect(answer).not_to_contain_text("曹广晶")


def test_the_quote_picker_fills_a_verbatim_citation(page, admin_url):
    sign_in(page, admin_url)
    page.goto(f"{admin_url}/admin?q=" + "链长制方案要怎么贯彻？")
    form = page.locator("#curated-form")
    form.get_by_label("引用的文件").select_option("hubei_scheme")
    form.get_by_role("button", name="载入原文，选取引文").click()
    text = form.locator("#picker-text")
    expect(text).to_contain_text("现印发给你们")
    picked = "已经省委、省政府同意，现印发给你们，请认真贯彻实施。"
    text.evaluate("""(el, wanted) => {  // what a mouse drag over the sentence does
        const node = el.firstChild, at = node.nodeValue.indexOf(wanted), range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + wanted.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""", picked)
    form.get_by_role("button", name="用选中的文字作引文").click()
    expect(form.get_by_label("引文（必须与原文逐字一致）")).to_have_value(picked)
    form.get_by_label("答案").fill("方案经省委、省政府同意后印发，要求各地各部门认真贯彻实施。")
    form.get_by_role("button", name="保存人工答案").click()
    expect(page.locator("#now")).to_contain_text("现在：已回答")
    expect(page.locator("#now .answer")).to_contain_text(picked)
    page.get_by_role("button", name="撤销最近一次修改（回滚到上一版本）").click()
    expect(page.get_by_role("status").filter(has_text="已保存为版本")).to_contain_text("回滚")


def test_admin_page_accessibility(page, admin_url, artifacts, axe_js):
    page.goto(f"{admin_url}/admin")
    check(page, "admin-sign-in", artifacts, axe_js)
    sign_in(page, admin_url)
    page.goto(f"{admin_url}/admin?q={QUESTION}")
    expect(page.locator("#now")).to_be_visible()
    page.get_by_role("button", name="载入原文，选取引文").click()
    expect(page.locator("#picker-text")).to_be_visible()
    check(page, "admin-question", artifacts, axe_js)
    page.get_by_label("说法").fill("汽车")
    page.get_by_role("button", name="添加别名").click()
    expect(page.get_by_role("alert")).to_contain_text("未保存")
    check(page, "admin-refused-fix", artifacts, axe_js)
