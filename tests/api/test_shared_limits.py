"""Several workers or replicas share one rate limit through a real redis-server (issue 15, defect 8):
a client spreading its requests over two app instances gets its burst once, not once per instance.
When Redis goes away the service keeps answering (each process limits on its own) and /healthz is
`degraded` with the reason."""

from __future__ import annotations

import httpx
import pytest

from tests.api.live import serve
from tests.reliability.conftest import QUESTION
from tests.services import redis_server

BURST = 4


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def ask(url: str) -> int:
    return httpx.post(f"{url}/api/chat", json={"question": QUESTION}, timeout=30).status_code


def test_two_instances_share_one_bucket_per_client(data_dir, redis_url):
    settings = {"redis_url": redis_url, "rate_per_minute": 6.0, "rate_burst": BURST}
    with serve(data_dir, **settings) as first, serve(data_dir, **settings) as second:
        codes = [ask(first if n % 2 else second) for n in range(BURST + 3)]
        assert codes == [200] * BURST + [429] * 3  # per process it would be 2 × BURST
        assert httpx.get(f"{first}/healthz").json()["status"] == "ok"


def test_redis_going_away_degrades_the_limit_not_the_service(data_dir, tmp_path):
    with redis_server(tmp_path) as url:
        server = serve(data_dir, redis_url=url, rate_per_minute=600.0, rate_burst=100)
        base = server.__enter__()
    try:  # Redis has stopped; the server is still up
        assert ask(base) == 200
        health = httpx.get(f"{base}/healthz").json()
        assert health["status"] == "degraded" and health["missing"] == ["shared_rate_limit_chat"]
        assert "Redis" in health["reasons"]["shared_rate_limit_chat"]
        assert all(ask(base) == 200 for _ in range(5))
    finally:
        server.__exit__(None, None, None)
