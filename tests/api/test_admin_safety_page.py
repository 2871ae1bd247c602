"""The admin page's content-safety section over real HTTP: the lexicon listed, a term added, disabled and
removed with the page's forms (CSRF checked), a malformed import refused as the page with the bad lines (422,
nothing stored), the audit trail listed and exported as CSV for the signed-in operator only."""

from __future__ import annotations

import httpx
import pytest

from tests.api.live import serve
from tests.api.test_overlay_page import ALICE_KEY, csrf, signed_in
from tests.assistant.test_lexicon import FIXTURE


@pytest.fixture(scope="module")
def base_url(data_dir, tmp_path_factory):
    store = f"sqlite:///{tmp_path_factory.mktemp('safety-page') / 'store.sqlite3'}"
    with serve(data_dir, store_url=store, admin_keys={"alice": ALICE_KEY}, lexicon_file=FIXTURE) as url:
        yield url


def _post(c: httpx.Client, form: str, **fields: str) -> httpx.Response:
    return c.post(f"/admin/lexicon/{form}", data={"csrf": csrf(c.get("/admin").text), **fields})


def test_the_forms_add_disable_and_remove_a_term(base_url):
    with signed_in(base_url) as c:
        page = c.get("/admin").text
        assert 'id="safety"' in page and "军火" in page and "军民融合" in page and "没有待审核的文件" in page
        r = _post(c, "add", term="测试禁词", category="违法", action="block")
        assert r.status_code == 303 and "done=" in r.headers["location"]
        assert "敏感词“测试禁词”" in c.get(r.headers["location"]).text
        asked = c.post("/api/chat", json={"question": "测 试 禁 词是什么"}).json()
        assert asked["refusal_reason"] == "content_policy"
        assert _post(c, "toggle", term="测试禁词", enabled="false").status_code == 303
        assert c.post("/api/chat", json={"question": "测试禁词是什么"}).json()["refusal_reason"] != "content_policy"
        assert _post(c, "remove", term="测试禁词").status_code == 303
        assert 'name="term" value="测试禁词"' not in c.get("/admin").text  # its row (the audit keeps the hit)


def test_a_malformed_import_is_the_page_with_the_bad_lines_and_nothing_stored(base_url):
    with signed_in(base_url) as c:
        before = c.get("/admin").text.count("<tr>")
        r = _post(c, "import", text="好词,违法,block\n坏词,违法,explode\n")
        assert r.status_code == 422 and "line 2: unknown action &#x27;explode&#x27;" in r.text
        assert 'value="好词"' not in c.get("/admin").text and c.get("/admin").text.count("<tr>") == before
        assert c.post("/admin/lexicon/import", data={"csrf": "forged", "text": "x"}).status_code == 403
        assert _post(c, "nope", term="x").status_code == 404


def test_the_audit_trail_is_listed_and_exported_for_the_operator_only(base_url):
    httpx.post(f"{base_url}/api/chat", json={"question": "哪里买军火"}, headers={"X-Request-ID": "page-audit"})
    assert httpx.get(f"{base_url}/admin/audit.csv").status_code == 303  # not signed in: the sign-in form
    with signed_in(base_url) as c:
        assert "page-audit" in c.get("/admin").text
        r = c.get("/admin/audit.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "page-audit" in r.text and "哪里买军火" not in r.text
