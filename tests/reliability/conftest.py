"""Fault injection against real servers on loopback: the session's index directory is shared with the
API tests; tests that change knowledge/ get their own copy and their own data directory."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.api.live import ADMIN_KEY, LiveServer, make_settings, shared_data_dir
from tests.conftest import KNOWLEDGE

QUESTION = "湖北芯片这条链谁是链长？"
ADMIN = {"X-API-Key": ADMIN_KEY}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return shared_data_dir(tmp_path_factory)


def knowledge_copy(tmp_path):
    """A private copy of knowledge/ (the real one is never written by a test)."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def start(app) -> tuple[LiveServer, str, httpx.Client]:
    server = LiveServer(app)
    url = server.__enter__()
    return server, url, httpx.Client(base_url=url, timeout=60)


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory):
    """A server over a private knowledge/ copy and a fresh data directory: (app, client, knowledge_dir)."""
    from assistant.api.app import create_app

    tmp = tmp_path_factory.mktemp("upload")
    knowledge = knowledge_copy(tmp)
    app = create_app(make_settings(tmp / "data", knowledge_dir=knowledge,
                                   store_url=f"sqlite:///{tmp / 'store.sqlite3'}"))
    server, _url, client = start(app)
    try:
        yield app, client, knowledge
    finally:
        client.close()
        server.__exit__(None, None, None)
