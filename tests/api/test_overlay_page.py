"""The admin page over real HTTP (the browser test drives it in Chromium): sign-in with a named key, a
signed cookie that cannot be forged, outlives no key rotation and expires; every form needs its CSRF token;
a refused fix comes back as the page with the reasons (422), an accepted one redirects to the question
with its version; everything behind the admin rate limit."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

import httpx
import pytest

from assistant.api import admin_auth as auth
from assistant.config import Settings
from tests.api.live import ADMIN_KEY, serve

QUESTION = "湖北晶圆这条链谁是链长？"
ALICE_KEY = "alice-key-0123456789"


@pytest.fixture(scope="module")
def base_url(data_dir, tmp_path_factory):
    store = f"sqlite:///{tmp_path_factory.mktemp('overlay-page') / 'store.sqlite3'}"
    with serve(data_dir, store_url=store, admin_keys={"alice": ALICE_KEY}) as url:
        httpx.post(f"{url}/api/chat", json={"question": QUESTION}, timeout=30)  # logged as refused
        yield url


@contextlib.contextmanager
def signed_in(base_url: str, key: str = ALICE_KEY) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as c:
        r = c.post("/admin/login", data={"key": key})
        assert r.status_code == 303 and r.headers["location"] == "/admin", r.text
        cookie = r.headers["set-cookie"].lower()
        assert all(flag in cookie for flag in ("httponly", "samesite=strict", "path=/admin"))
        yield c


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def test_without_signing_in_the_page_is_the_sign_in_form(base_url):
    r = httpx.get(f"{base_url}/admin")
    assert r.status_code == 200 and 'type="password"' in r.text and QUESTION not in r.text
    assert r.headers["cache-control"] == "no-store" and "script-src 'self'" in r.headers["content-security-policy"]
    wrong = httpx.post(f"{base_url}/admin/login", data={"key": "guess"})
    assert wrong.status_code == 401 and "密钥不正确" in wrong.text and "set-cookie" not in wrong.headers


def test_the_page_lists_the_refused_question_and_opens_it(base_url):
    with signed_in(base_url) as c:
        page = c.get("/admin").text
        assert QUESTION in page and "拒答" in page and "已登录：alice" in page
        opened = c.get("/admin", params={"q": QUESTION}).text
        assert "现在：拒答" in opened and 'action="/admin/fix/alias"' in opened
        assert 'value="chain|湖北|集成电路产业链"' in opened and "<script>" not in opened  # admin.js only, by src


def test_a_fix_needs_the_csrf_token_and_a_session(base_url):
    form = {"q": QUESTION, "alias": "晶圆", "target": "chain|湖北|集成电路产业链"}
    with signed_in(base_url) as c:
        assert c.post("/admin/fix/alias", data=form).status_code == 403
        assert c.post("/admin/fix/alias", data={**form, "csrf": "0" * 64}).status_code == 403
    anonymous = httpx.post(f"{base_url}/admin/fix/alias", data=form)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/admin"  # to the sign-in form


def test_a_fix_through_the_page_and_its_rollback(base_url):
    with signed_in(base_url) as c:
        token = csrf(c.get("/admin").text)
        r = c.post("/admin/fix/alias", data={"csrf": token, "q": QUESTION, "alias": "晶圆",
                                             "target": "chain|湖北|集成电路产业链"})
        assert r.status_code == 303 and "done=" in r.headers["location"]
        page = c.get(r.headers["location"]).text
        assert "已保存为版本" in page and "现在：已回答" in page and "曹广晶" in page and ">alice<" in page
        undo = c.post("/admin/rollback", data={"csrf": token, "q": QUESTION})
        assert undo.status_code == 303
        assert "现在：拒答" in c.get(undo.headers["location"]).text


@pytest.mark.parametrize(("path", "form", "reason"), [
    ("/admin/fix/alias", {"alias": "量子", "target": "chain|湖北|量子产业链"}, "no chain"),
    ("/admin/fix/alias", {"alias": "晶圆", "target": "nonsense"}, "kind"),
    ("/admin/fix/example", {"intent": "no_such_intent", "question": "晶圆谁管"}, "no intent"),
    ("/admin/fix/curated", {"question": "q", "answer": "a", "doc_id": "hubei_scheme", "quote": "不在文件里的话"},
     "not verbatim"),
])
def test_a_refused_fix_shows_the_reasons_and_keeps_what_was_typed(base_url, path, form, reason):
    with signed_in(base_url) as c:
        token = csrf(c.get("/admin").text)
        r = c.post(path, data={"csrf": token, "q": QUESTION, **form})
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
        assert "未保存" in r.text and reason in r.text and 'role="alert"' in r.text
        typed = [v for k, v in form.items() if k != "target"]  # a select keeps only the options it has
        assert all(v in r.text for v in typed), "the form keeps what was typed"


def test_a_multiline_quote_posted_with_crlf_is_checked_as_the_document_has_it(base_url):
    doc = httpx.get(f"{base_url}/api/documents/hubei_scheme").json()["text"]
    quote = "鄂政办发〔2021〕23号\n\n各市、州、县人民政府，省政府各部门："
    assert quote in doc
    with signed_in(base_url) as c:
        token = csrf(c.get("/admin").text)
        r = c.post("/admin/fix/curated", data={"csrf": token, "question": "湖北方案发给了谁？", "doc_id": "hubei_scheme",
                                               "answer": "各市、州、县人民政府和省政府各部门。",
                                               "quote": quote.replace("\n", "\r\n")})
        assert r.status_code == 303, r.text
        c.post("/admin/rollback", data={"csrf": token})


def test_sign_out(base_url):
    with signed_in(base_url) as c:
        token = csrf(c.get("/admin").text)
        r = c.post("/admin/logout", data={"csrf": token})
        assert r.status_code == 303 and 'max-age=0' in r.headers["set-cookie"].lower()
        c.cookies.clear()
        assert 'type="password"' in c.get("/admin").text


def test_the_admin_page_is_rate_limited_and_off_without_keys(data_dir, tmp_path):
    store = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
    with serve(data_dir, store_url=store, admin_rate_burst=2, admin_rate_per_minute=1.0) as url:
        statuses = [httpx.post(f"{url}/admin/login", data={"key": "guess"}).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
    with serve(data_dir, store_url=store, admin_api_key=None) as url:
        assert httpx.get(f"{url}/admin").status_code == 404


# ---- the sign-in cookie itself -------------------------------------------------------------------------

SETTINGS = Settings(admin_api_key=ADMIN_KEY, admin_keys={"alice": ALICE_KEY}, admin_session_hours=1)


def test_key_names_are_found_and_unknown_keys_are_not():
    assert auth.key_name(SETTINGS, ALICE_KEY) == "alice" and auth.key_name(SETTINGS, ADMIN_KEY) == "admin"
    assert auth.key_name(SETTINGS, "") is None and auth.key_name(SETTINGS, None) is None
    assert auth.key_name(SETTINGS, ALICE_KEY[:-1]) is None and auth.key_name(SETTINGS, "\udcff") is None


def test_a_cookie_is_genuine_unexpired_and_made_with_a_current_key():
    now = time.time()
    token = auth.session_token(SETTINGS, "alice", now)
    assert auth.session_name(SETTINGS, token, now) == "alice"
    assert auth.session_name(SETTINGS, token, now + 3601) is None  # expired
    name, expires, sig = token.split(".")
    assert auth.session_name(SETTINGS, f"admin.{expires}.{sig}", now) is None  # another name, same signature
    assert auth.session_name(SETTINGS, f"alice.{int(expires) + 99999}.{sig}", now) is None  # a later expiry
    rotated = Settings(admin_api_key=ADMIN_KEY, admin_keys={"alice": "a-new-key-for-alice"})
    assert auth.session_name(rotated, token, now) is None
    for junk in (None, "", "alice", "alice..", "alice.x.y", "nobody.1.2"):
        assert auth.session_name(SETTINGS, junk, now) is None
    assert auth.csrf_ok(SETTINGS, token, auth.csrf_token(SETTINGS, token))
    assert not auth.csrf_ok(SETTINGS, token, auth.csrf_token(SETTINGS, auth.session_token(SETTINGS, "admin")))


def test_admin_keys_are_checked_when_the_settings_load():
    for keys in ({"a b": "k"}, {"alice": "  "}, {"": "k"}):
        with pytest.raises(ValueError):
            Settings(admin_keys=keys)
    with pytest.raises(ValueError):
        Settings(admin_api_key="one", admin_keys={"admin": "another"})
    assert Settings(admin_keys={"bob": "k"}).named_admin_keys == {"bob": "k"}
