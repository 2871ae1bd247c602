"""Browser tests: Debian chromium driven by Playwright against a real server on a free loopback port.
A missing browser (or axe-core, for the accessibility checks) skips them locally and fails them under
CI=true. Screenshots and axe reports go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.api.live import ADMIN_KEY, ROOT, LiveServer, make_settings, shared_data_dir

CHROMIUM = "/usr/bin/chromium"
ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run")
ARTIFACTS = ROOT / "test-artifacts"


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (browser tests are required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _unavailable(f"chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(ARGS))
        yield b
        b.close()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    from assistant.api.app import create_app

    data_dir = shared_data_dir(tmp_path_factory)
    settings = make_settings(data_dir, store_url=f"sqlite:///{data_dir / 'store-browser.sqlite3'}")
    with LiveServer(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="session")
def admin_key():
    return ADMIN_KEY


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_js():
    from tests.browser.axe import axe_source

    return axe_source()


@pytest.fixture
def page(browser, request):
    """A fresh context per test; page errors and Content-Security-Policy violations fail the test."""
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 860}
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=viewport["width"] < 600)
    context.set_default_timeout(20_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield pg
    context.close()
    assert not errors, errors
