"""The document viewer /documents/{id}?start=&end=: a citation clicked in /ui or in the widget opens the
document in a new tab at the quote, highlighted; the manifest facts on top; markup in a document (an
uploaded one) is shown as text and never runs."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.live import ADMIN_KEY, LiveServer, make_settings
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
TITLE = "产业链链长制政策问答"


def normalise(text: str) -> str:
    """Whitespace aside; a table row's `|` are Markdown's cell borders, not text of the document."""
    return re.sub(r"[\s|]", "", text)


def highlighted(viewer) -> str:
    return "".join(viewer.locator("article mark").all_text_contents())


def check_viewer_at_quote(viewer, quote: str) -> None:
    expect(viewer.locator("#hl")).to_be_in_viewport()  # scrolled to the quote
    assert normalise(highlighted(viewer)) == normalise(quote)
    assert viewer.evaluate("document.activeElement.id") == "hl"  # reading starts at the quote


def test_ui_citation_opens_the_document_at_the_quote(page, server_url, artifacts):
    cites = httpx.post(f"{server_url}/api/chat", json={"question": QUESTION}).json()["citations"]
    cite = next(c for c in cites if c["doc_id"] == "hubei_scheme")  # the engine's answer, as /ui gets it
    page.goto(f"{server_url}/ui/")
    page.locator("#question textarea").fill(QUESTION)
    page.locator("#send").click()
    link = page.locator(f'#chat a[href="/documents/hubei_scheme?start={cite["start"]}&end={cite["end"]}"]')
    expect(link).to_contain_text(cite["doc_title"])
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    check_viewer_at_quote(viewer, cite["quote"])
    if cite["quote"].startswith("|"):  # a table-row citation highlights the row
        expect(viewer.locator("tr.hl")).to_have_count(1)
        expect(viewer.locator("tr.hl")).to_contain_text("曹广晶")
    expect(viewer.locator(".facts")).to_contain_text("鄂政办发〔2021〕23号")
    viewer.screenshot(path=str(artifacts / "viewer.png"))


def test_widget_citation_opens_the_document_at_the_quote(page, server_url, artifacts):
    page.goto(f"{server_url}/demo/portal.html")
    page.get_by_role("button", name=f"打开{TITLE}").click()
    page.get_by_role("textbox", name="输入您的问题").fill(QUESTION)
    page.get_by_role("button", name="发送问题").click()
    citation = page.locator(".msg.bot .citation").filter(
        has=page.locator('a[href*="/documents/hubei_scheme?"]')).first
    expect(citation).to_contain_text("湖北省制造业产业链链长制实施方案")
    quote = citation.locator("blockquote").text_content()  # the Answer's verbatim quote
    with page.context.expect_page() as opened:
        citation.get_by_role("link").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    check_viewer_at_quote(viewer, quote)


def test_manifest_facts_headings_and_a_plain_view(page, server_url):
    page.goto(f"{server_url}/documents/hunan_plan")
    expect(page.locator("h1")).to_have_text("关于省领导联系产业集群（产业链）推动打造国家重要先进制造业高地的工作方案")
    facts = page.locator(".facts")
    for fact in ("中共湖南省委办公厅、湖南省人民政府办公厅", "2021年8月17日", "无文号", "自发布之日起施行",
                 "未被知识库中的其他文件替代", "湘办发〔2020〕7号"):
        expect(facts).to_contain_text(fact)
    expect(page.locator("article h2, article h3").first).to_be_visible()
    expect(page.locator("article table").first).to_be_visible()
    expect(page.locator("mark")).to_have_count(0)
    expect(page.get_by_role("link", name="返回问答")).to_have_attribute("href", "/ui/")


def test_a_bad_link_gets_a_page_that_says_so(page, server_url):
    response = page.goto(f"{server_url}/documents/no_such_document?start=1&end=5")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("找不到这份文件")
    response = page.goto(f"{server_url}/documents/hubei_scheme?start=5&end=999999")
    assert response.status == 400
    expect(page.locator("h1")).to_have_text("链接中的引用位置有误")


HOSTILE = """# 含有标记的测试文件

<script>window.__xss = 1</script>

<img src=x onerror="window.__xss = 2"> 图片说明

## 第二节 <a href="javascript:window.__xss=3" onclick="window.__xss=4">看似链接</a>

| 列<b onmouseover="window.__xss=5">一</b> | 列二 |
| --- | --- |
| <svg onload="window.__xss=6"></svg> | <iframe src="javascript:window.__xss=7"></iframe> |

- 条目 <style>body { display: none }</style>

引文所在段落：专班每季度召开一次推进会，<b onclick="window.__xss=8">协调</b>解决问题。
"""
OURS = {"H2", "H3", "P", "UL", "LI", "DIV", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "MARK"}  # what the viewer itself writes


@pytest.fixture(scope="module")
def hostile_document(tmp_path_factory):
    """A server over a private copy of knowledge/, with HOSTILE uploaded through the admin route."""
    import shutil

    from assistant.api.app import create_app

    tmp = tmp_path_factory.mktemp("viewer")
    shutil.copytree(KNOWLEDGE, tmp / "knowledge")
    app = create_app(make_settings(tmp / "data", knowledge_dir=tmp / "knowledge",
                                   store_url=f"sqlite:///{tmp / 'store.sqlite3'}"))
    with LiveServer(app) as url:
        r = httpx.post(f"{url}/api/admin/documents", headers={"X-API-Key": ADMIN_KEY}, timeout=300, json={
            "id": "hubei_markup_note", "title": "含有标记的测试文件", "province": "湖北", "kind": "测试",
            "date": "2024-03-01", "text": HOSTILE})
        assert r.status_code == 201, r.text
        yield url


def test_markup_in_a_document_is_shown_as_text_and_never_runs(page, hostile_document, artifacts):
    start = HOSTILE.index("<b onclick")
    end = HOSTILE.index("解决问题") + len("解决问题")
    page.goto(f"{hostile_document}/documents/hubei_markup_note?start={start}&end={end}")
    article = page.locator("article")
    expect(article).to_contain_text("<script>window.__xss = 1</script>")
    expect(article).to_contain_text('<img src=x onerror="window.__xss = 2">')
    expect(article.locator("td").first).to_contain_text('<svg onload="window.__xss=6"></svg>')
    assert highlighted(page) == HOSTILE[start:end]
    article.locator("th").first.hover()
    article.locator("mark").first.click()
    assert page.evaluate("window.__xss") is None
    tags = set(page.evaluate("() => [...document.querySelectorAll('article *')].map(e => e.tagName)"))
    assert tags <= OURS, tags - OURS
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
        e => [...e.attributes].map(a => a.name).filter(n => n.startsWith('on')))""")
    assert handlers == []
    scripts = page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
    assert scripts == ["/assets/viewer.js"]  # the viewer's own, nothing else
    expect(page.locator("body")).to_be_visible()  # the document's <style> did not apply
    page.screenshot(path=str(artifacts / "viewer-markup.png"), full_page=True)
