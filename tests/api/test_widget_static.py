"""Static checks of widget.js: no HTML sinks, a sound 简→繁 map, and the API base from settings."""

from __future__ import annotations

import re

import httpx
from opencc import OpenCC

from tests.api.live import ROOT, serve

WIDGET = (ROOT / "assistant" / "static" / "widget.js").read_text(encoding="utf-8")


def test_no_html_sinks():
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in WIDGET, sink


def test_traditional_map_agrees_with_opencc():
    block = WIDGET[WIDGET.index("var PAIRS = (["):WIDGET.index('].join(" ")).split(" ")')]
    pairs = " ".join(re.findall(r'"([^"]*)"', block)).split(" ")
    cc = OpenCC("s2tw")
    wrong = [p for p in pairs if len(p) != 2 or (cc.convert(p[0]) != p[1] and p[0] not in "签")]
    assert not wrong and len(pairs) > 300


def test_api_base_comes_from_settings(data_dir):
    with serve(data_dir, widget_api_base="https://qa.example.gov.cn") as url:
        js = httpx.get(f"{url}/widget.js").text
        csp = httpx.get(f"{url}/demo/portal.html").headers["content-security-policy"]
    assert 'var DEFAULT_API = "https://qa.example.gov.cn";' in js
    assert "connect-src 'self' https://qa.example.gov.cn" in csp
