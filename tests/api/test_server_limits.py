"""Limits of the HTTP server itself (issue 15, defects 3, 8 and 9): a huge header is refused (431) without
stalling anyone else, a client that drips its headers or its body is cut off (408), X-Forwarded-For is
believed only from a configured proxy, and guessing the admin key is throttled. The bounds on time are
five times the deadline under test: a busy machine passes, a missing deadline does not."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.api.live import ADMIN_KEY, serve
from tests.api.test_bad_input import assert_error
from tests.reliability.conftest import QUESTION

READ_TIMEOUT_S = 1.0
BOUND_S = 5 * READ_TIMEOUT_S


def connect(url: str, timeout: float = 10.0) -> socket.socket:
    parsed = urlparse(url)
    return socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)


def read_all(s: socket.socket) -> bytes:
    return read_until_closed(s)[0]


def read_until_closed(s: socket.socket) -> tuple[bytes, bool]:
    """What the server sent, and whether it closed the connection (rather than the socket timing out)."""
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except ConnectionResetError:
        return out, True
    except TimeoutError:
        return out, False
    return out, True


@pytest.fixture(scope="module")
def strict_url(data_dir):
    with serve(data_dir, header_read_timeout_s=READ_TIMEOUT_S, body_read_timeout_s=READ_TIMEOUT_S,
               keep_alive_timeout_s=READ_TIMEOUT_S) as url:
        yield url


def test_a_huge_header_is_refused_and_stalls_no_one(strict_url, settings):
    with connect(strict_url) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            while sent < 50 * 2**20:  # 50 MB, as in the attack; the server stops reading long before
                s.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = read_all(s)
    assert sent < 50 * 2**20 or reply  # cut off early, or answered
    if reply:
        assert reply.startswith(b"HTTP/1.1 431") and b'"headers_too_large"' in reply
    assert httpx.get(f"{strict_url}/healthz", timeout=BOUND_S).status_code == 200  # the others are served


def test_a_dripped_body_is_cut_off(strict_url):
    with connect(strict_url) as s:
        s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"question\"")
        s.settimeout(BOUND_S)
        reply = read_all(s)
    assert reply.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in reply  # the server cut it off


def test_an_idle_keep_alive_connection_is_closed(strict_url):
    with connect(strict_url) as s:
        s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(BOUND_S)
        reply, closed = read_until_closed(s)  # the response, then the close once the keep-alive timeout passes
    assert reply.startswith(b"HTTP/1.1 200") and closed


@pytest.fixture(scope="module")
def limited_url(data_dir):
    with serve(data_dir, rate_per_minute=6.0, rate_burst=3, admin_rate_per_minute=6.0, admin_rate_burst=5) as url:
        yield url


def test_a_forged_x_forwarded_for_does_not_bypass_the_rate_limit(limited_url):
    with httpx.Client(base_url=limited_url, timeout=30) as c:
        codes = [c.post("/api/chat", json={"question": QUESTION},
                        headers={"X-Forwarded-For": f"127.0.9.{n}"}).status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_a_trusted_proxy_names_the_client(data_dir):
    with serve(data_dir, rate_per_minute=6.0, rate_burst=2, trusted_proxies=["127.0.0.1/32"]) as url, \
            httpx.Client(base_url=url, timeout=30) as c:
        def ask(forwarded: str) -> int:
            return c.post("/api/chat", json={"question": QUESTION}, headers={"X-Forwarded-For": forwarded}).status_code

        assert [ask(f"127.0.8.{n}") for n in range(4)] == [200] * 4  # four clients, one request each
        assert [ask("127.0.7.1") for _ in range(3)] == [200, 200, 429]  # one client, over its burst
        assert ask("127.0.7.1, 127.0.0.1") == 429  # our own proxy hops are skipped
        assert [ask("not-an-address") for _ in range(3)][-1] == 429  # malformed: the peer (the proxy)


def test_admin_key_guessing_is_throttled(limited_url):
    with httpx.Client(base_url=limited_url, timeout=30) as c:
        codes = [c.get("/api/admin/questions", headers={"X-API-Key": f"guess-{n}"}).status_code for n in range(8)]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
        r = c.get("/api/admin/questions", headers={"X-API-Key": ADMIN_KEY})
        assert_error(r, 429, "rate_limited")  # the client is throttled, whatever key it sends now
        assert int(r.headers["Retry-After"]) >= 1


def test_many_slow_clients_do_not_hold_the_server(strict_url):
    """Ten connections each dripping a byte every 0.3 s, as in the attack: all closed by the deadline."""
    results: list[bool] = []

    def drip() -> None:
        with connect(strict_url) as s:
            try:
                for _ in range(int(BOUND_S / 0.3) + 1):
                    s.sendall(b"G")
                    time.sleep(0.3)
                results.append(False)  # still open at the end: the deadline did not fire
            except OSError:
                results.append(True)

    threads = [threading.Thread(target=drip) for _ in range(10)]
    for t in threads:
        t.start()
    assert httpx.get(f"{strict_url}/healthz", timeout=BOUND_S).status_code == 200  # others are served
    for t in threads:
        t.join(timeout=BOUND_S * 3)
    assert results == [True] * 10
