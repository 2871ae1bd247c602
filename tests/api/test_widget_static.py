"""Static checks of /widget.js (built from assistant/static/widget/): no HTML sinks, the settings it
reads, and the complete OpenCC 简→繁 table it converts with (/widget/s2t.json)."""

from __future__ import annotations

import gzip
import json

import httpx
from opencc import OpenCC

from assistant.api import s2t
from assistant.api.routes_static import widget_script
from tests.api.live import serve

WIDGET = widget_script("", 500, {"STARTERS": ["芯片链谁是链长？"], "GREETING": "您好", "NOTE": "由机器生成",
                                       "GENERATED": "AI 生成"})


def test_no_html_sinks():
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in WIDGET, sink


def test_one_function_scope_with_the_settings(client):
    js = client.get("/widget.js").text
    assert js.startswith("(function () {") and js.rstrip().endswith("})();")
    assert "var MAX_CHARS = 500;" in js and "attachShadow" in js
    assert 'maxlength' not in js  # a pasted question is never cut: the counter warns instead


def test_the_table_is_all_of_opencc(client):
    r = client.get("/widget/s2t.json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "max-age" in r.headers["cache-control"]
    data = r.json()  # httpx undoes the gzip
    pairs = list(data["chars"])
    chars = dict(zip(pairs[::2], pairs[1::2], strict=True))
    cc = OpenCC("s2tw")
    for simplified in "牵训税发后这产业链长联络员":
        assert chars[simplified] == cc.convert(simplified), simplified
    assert len(chars) > 3800  # every character OpenCC converts, not a few hundred
    phrases = data["phrases"].split(" ")
    assert len(phrases) == len(s2t._load("STPhrases.txt")) and data["longest"] >= 10
    entries = dict(p.split("=", 1) for p in phrases if "=" in p)
    assert entries["头发"] == "頭髮" and entries["制造"] == "製造"


def test_the_table_payload_is_cached_and_compressed():
    plain, packed = s2t.payload()
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2
    assert json.loads(plain) == s2t.table()


def test_api_base_comes_from_settings(data_dir):
    with serve(data_dir, widget_api_base="https://qa.example.gov.cn", max_question_chars=300) as url:
        js = httpx.get(f"{url}/widget.js").text
        csp = httpx.get(f"{url}/demo/portal.html").headers["content-security-policy"]
    assert 'var DEFAULT_API = "https://qa.example.gov.cn";' in js and "var MAX_CHARS = 300;" in js
    assert "connect-src 'self' https://qa.example.gov.cn" in csp
