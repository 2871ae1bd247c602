"""`GET /documents/{doc_id}?start=&end=` over HTTP: the page, its escaping, its errors (a page for a person,
the contract's JSON for a program), and the assets it loads. The browser side is tests/browser/test_viewer.py."""

from __future__ import annotations

import html
import re

import pytest

from assistant.api.document_page import Span, facts, render_body
from tests.api.test_bad_input import assert_error

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_page_has_the_facts_and_the_highlighted_span(client):
    cites = client.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}).json()["citations"]
    cite = next(c for c in cites if c["doc_id"] == "hubei_scheme")
    r = client.get(f"/documents/{cite['doc_id']}", params={"start": cite["start"], "end": cite["end"]}, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]  # no inline script on this page
    page = r.text
    marked = "".join(html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", page))
    assert re.sub(r"[\s|]", "", marked) == re.sub(r"[\s|]", "", cite["quote"]) and 'id="hl"' in page
    assert ('<tr class="hl">' in page) == cite["quote"].startswith("|")  # a table row is highlighted whole
    assert "鄂政办发〔2021〕23号" in page and "2021年4月9日" in page and "<h1>" in page
    assert page.count("<script") == 1 and '<script src="/assets/viewer.js" defer></script>' in page


@pytest.mark.parametrize(("params", "status"), [
    ({"start": 5}, 400), ({"end": 5}, 400), ({"start": 9, "end": 3}, 400), ({"start": 3, "end": 3}, 400),
    ({"start": 0, "end": 10**9}, 400), ({"start": -1, "end": 5}, 422), ({"start": "x", "end": 5}, 422),
    ({"start": 1.5, "end": 5}, 422), ({"start": "", "end": ""}, 422),
])
def test_bad_offsets_are_4xx(client, params, status):
    assert_error(client.get("/documents/hubei_scheme", params=params), status)


def test_bad_id_is_404_json_for_programs_and_a_page_for_people(client):
    assert_error(client.get("/documents/no_such_doc"), 404, "not_found")
    assert_error(client.get("/documents/..%2F..%2Fetc%2Fpasswd"), 404)
    r = client.get("/documents/no_such_doc", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "找不到这份文件" in r.text and "Traceback" not in r.text
    r = client.get("/documents/hubei_scheme", params={"start": 0, "end": 10**9}, headers=HTML)
    assert r.status_code == 400 and "链接中的引用位置有误" in r.text


def test_the_json_document_route_is_unchanged(client):
    doc = client.get("/api/documents/hubei_scheme").json()
    assert set(doc) == {"doc_id", "title", "meta", "text"}


def test_document_text_is_escaped_never_markup():
    text = '# 标题 <script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> 正文\n\n| <b>格</b> | 二 |\n'
    html = render_body(text, Span(text.index("<img"), text.index("正文") + 2))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and 'onerror=&quot;alert(2)&quot;' in html
    assert '<mark id="hl" tabindex="-1">&lt;img src=x onerror=&quot;alert(2)&quot;&gt; 正文</mark>' in html


def test_a_span_over_several_blocks_marks_each_part_once():
    text = "# 一\n\n甲乙丙\n\n丁戊\n"
    html = render_body(text, Span(text.index("乙"), text.index("戊")))
    assert html.count("<mark") == 2 and html.count('id="hl"') == 1
    assert "<mark id=\"hl\" tabindex=\"-1\">乙丙</mark>" in html and "<mark>丁</mark>戊" in html


def test_superseded_documents_say_so(documents):
    plan = documents["hunan_plan"]
    older = plan.model_copy(update={"meta": plan.meta.model_copy(update={
        "id": "hunan_2020", "title": "关于进一步提升工业新兴优势产业链现代化水平的意见", "supersedes": None,
        "doc_number": "湘办发〔2020〕7号"})})
    shown = dict(facts(older, {**documents, "hunan_2020": older}))
    assert shown["是否被替代"].startswith("已被替代：《关于省领导联系产业集群")
    assert dict(facts(plan, documents))["本文件替代"].endswith("(湘办发〔2020〕7号)")


def test_viewer_assets(client):
    assert client.get("/assets/viewer.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/assets/viewer.css").headers["content-type"].startswith("text/css")
    assert client.get("/assets/ui.js").status_code == 200
    assert_error(client.get("/assets/..%2Fconfig.py"), 404)
    assert_error(client.get("/assets/secret.txt"), 404)
