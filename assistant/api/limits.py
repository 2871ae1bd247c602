"""Rate limits: a token bucket per client, in this process or shared through Redis by every worker and
replica; the FastAPI dependencies for the chat and admin routes."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from fastapi import Request

from assistant.api import clients
from assistant.api.state import app_state
from assistant.errors import RateLimited

log = logging.getLogger("chainqa.api")


class RateLimiter(Protocol):
    """`take(key)`: 0 when the request may go ahead, else the seconds until it may."""

    name: str

    async def take(self, key: str) -> float: ...

    async def close(self) -> None: ...

    @property
    def problem(self) -> str | None:
        """Why the limiter is not working as configured (e.g. Redis is down), for /healthz."""
        ...


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class TokenBucket:
    """`burst` requests at once, refilled at `per_minute` requests a minute, per key; in this process."""

    per_minute: float
    burst: int
    name: str = "chat"
    max_keys: int = 10_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rate(self) -> float:
        return max(self.per_minute, 1e-9) / 60.0

    @property
    def problem(self) -> str | None:
        return None

    async def take(self, key: str) -> float:
        return self.take_now(key)

    async def close(self) -> None:
        pass

    def take_now(self, key: str, now: float | None = None) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._evict(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _evict(self, now: float) -> None:
        if len(self._buckets) < self.max_keys:
            return
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.burst]
        for key in full or list(self._buckets)[: self.max_keys // 10]:
            del self._buckets[key]


# One atomic step of the same bucket on the Redis server, on the server's clock (replicas' clocks may
# differ). Returns the wait in seconds as a string (Lua numbers lose their fraction on the way back).
_TAKE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local got = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(got[1]) or burst, tonumber(got[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBucket:
    """The token bucket kept in Redis, so every worker and replica spends from the same one. When Redis
    does not answer, each process falls back to its own bucket (a looser limit, never none) and
    `problem` says so until Redis answers again."""

    def __init__(self, url: str, per_minute: float, burst: int, name: str = "chat", timeout_s: float = 0.5) -> None:
        self.url, self.name = url, name
        self.rate, self.burst = max(per_minute, 1e-9) / 60.0, burst
        self.local = TokenBucket(per_minute, burst, name)
        self.timeout_s = timeout_s
        self._client = None
        self._script = None
        self._failed_at: float | None = None
        self._error = ""

    @property
    def problem(self) -> str | None:
        if self._failed_at is None:
            return None
        return f"the shared rate limit (Redis) does not answer ({self._error}); limiting per process"

    def _connect(self):
        import redis.asyncio as aioredis

        self._client = aioredis.Redis.from_url(self.url, socket_timeout=self.timeout_s,
                                               socket_connect_timeout=self.timeout_s, health_check_interval=30)
        self._script = self._client.register_script(_TAKE)
        return self._script

    async def take(self, key: str) -> float:
        if self._failed_at is not None and time.monotonic() - self._failed_at < 2.0:
            return self.local.take_now(key)  # do not wait on a dead server for every request
        script = self._script or self._connect()
        try:
            wait = float(await script(keys=[f"chainqa:rl:{self.name}:{key}"], args=[self.rate, self.burst]))
        except Exception as exc:  # redis.RedisError, OSError, a closed event loop: the limit must not fail
            if self._failed_at is None:
                log.warning("rate limit %s: Redis failed (%s); limiting per process", self.name, exc)
            self._failed_at, self._error = time.monotonic(), type(exc).__name__
            self._client = self._script = None
            return self.local.take_now(key)
        if self._failed_at is not None:
            log.info("rate limit %s: Redis answers again", self.name)
            self._failed_at = None
        return wait

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def make_limiter(redis_url: str | None, per_minute: float, burst: int, name: str) -> RateLimiter:
    return RedisBucket(redis_url, per_minute, burst, name) if redis_url else TokenBucket(per_minute, burst, name)


async def check(limiter: RateLimiter, request: Request) -> None:
    """Spend one token of this client's bucket or raise RateLimited (429 with Retry-After)."""
    wait = await limiter.take(clients.resolve(request.scope, app_state(request.app).trusted))
    if wait > 0:
        raise RateLimited(f"too many requests; retry in {max(wait, 1):.0f} s", retry_after_s=wait)


async def rate_limit(request: Request) -> None:
    """FastAPI dependency for the chat and feedback routes."""
    await check(app_state(request.app).limiter, request)


async def admin_rate_limit(request: Request) -> None:
    """FastAPI dependency for the admin routes, checked before the key: guessing it is throttled."""
    await check(app_state(request.app).admin_limiter, request)
