"""A real server for the API tests: create_app(settings) → lifespan → the real Service.build over a
temporary data_dir, served by uvicorn on a free loopback port."""

from __future__ import annotations

import httpx
import pytest

from tests.api.live import ADMIN_KEY, LiveServer, make_settings, shared_data_dir


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return shared_data_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def settings(data_dir):
    return make_settings(data_dir, cors_origins=["https://portal.example.gov.cn"])


@pytest.fixture(scope="session")
def app(settings):
    from assistant.api.app import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
def base_url(app):
    with LiveServer(app) as url:
        yield url


@pytest.fixture(scope="session")
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def admin_headers():
    return {"X-API-Key": ADMIN_KEY}



@pytest.fixture(scope="session")
def postgres_url():
    """One real PostgreSQL server for the session (tests/services.py); each test makes its own database."""
    from tests.services import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A store URL on each backend: a SQLite file in a directory not made yet, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'store.sqlite3'}"
    import uuid

    import sqlalchemy as sa

    server = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
