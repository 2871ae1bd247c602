"""The load test's clients: each keeps one connection, cycles through questions, names itself in
X-Forwarded-For, and after a 429 waits a moment; the tally records when each client was limited, so the
report can say whether 429s came only above the configured rate."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

QUESTIONS = (  # a mix the offline engine answers from the registry, the documents, or refuses
    "湖北芯片这条链谁是链长？", "湖北汽车产业链的链长是谁？", "湖南工程机械产业集群由哪位省领导联系？",
    "湖北的问题办理机制是怎样的？", "什么是五图作业？", "湖南的八个一工作推进机制是什么？",
    "湖北链长制实施方案是哪年发布的？", "广东省的链长是谁？", "湖北有多少条重点产业链？",
    "企业遇到融资难该找哪个部门？",
)
BACKOFF_S = 0.25  # after a 429: a client that backs off a little, as real ones do


@dataclass
class ClientLog:
    """One client's requests, and the token bucket the server should hold for it, replayed here on the
    client's clock (a 429 is early when at least two whole tokens should have been left)."""

    first: float | None = None
    last: float = 0.0
    ok: int = 0
    early_429s: int = 0
    tokens: float = 0.0

    def sent(self, now: float, args) -> None:
        if self.first is None:
            self.first, self.tokens = now, float(args.burst)
        else:  # refill since the previous send, capped at the burst as the server's bucket is
            self.tokens = min(float(args.burst), self.tokens + (now - self.last) * args.rate_per_minute / 60.0)
        self.last = now

    def answered(self, status: int | None) -> None:
        if status == 200:
            self.ok += 1
            self.tokens -= 1.0
        elif status == 429 and self.tokens >= 2.0:  # with no limit configured no 429 comes at all
            self.early_429s += 1


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    limited_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    engines: Counter = field(default_factory=Counter)
    clients: dict[int, ClientLog] = field(default_factory=dict)
    started: int = 0

    @property
    def done(self) -> int:
        return len(self.latencies_ms) + len(self.limited_ms) + sum(self.errors.values())


def identity(n: int) -> str:
    """Client n's address as the proxy reports it: a loopback-range string, never contacted."""
    return f"127.1.{n // 250}.{n % 250 + 1}"


async def one_request(client: httpx.AsyncClient, question: str, stream: bool, tally: Tally) -> int | None:
    """One request; returns its status (None on a transport error) and records it in the tally."""
    started = time.perf_counter()
    try:
        if stream:
            async with client.stream("POST", "/api/chat/stream", json={"question": question}) as r:
                body = (await r.aread()).decode("utf-8")
            ok = r.status_code == 200 and '"answer":{' in body.rsplit("data:", 1)[-1]
            engine = "stream"
        else:
            r = await client.post("/api/chat", json={"question": question})
            ok = r.status_code == 200 and bool(r.json().get("answer"))
            engine = r.json().get("engine", "?") if ok else ""
    except httpx.TimeoutException:
        tally.errors["timeout"] += 1
        return None
    except (httpx.HTTPError, ValueError) as exc:
        tally.errors[type(exc).__name__] += 1
        return None
    took = (time.perf_counter() - started) * 1000
    if r.status_code == 429 and r.headers.get("retry-after"):
        tally.limited_ms.append(took)
    elif ok:
        tally.latencies_ms.append(took)
        tally.engines[engine] += 1
    else:
        tally.errors[f"http {r.status_code}" if r.status_code != 200 else "bad body"] += 1
    return r.status_code


async def client_loop(n: int, url: str, deadline: float, args, tally: Tally) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one connection per client
    headers = {"X-Forwarded-For": identity(n)} if args.rate_per_minute > 0 else {}
    log = tally.clients.setdefault(n, ClientLog())
    async with httpx.AsyncClient(base_url=url, timeout=args.request_timeout, limits=limits, headers=headers) as c:
        i = n
        while time.monotonic() < deadline and tally.started < args.max_requests:
            tally.started += 1
            log.sent(time.monotonic(), args)
            stream = args.stream_every > 0 and i % args.stream_every == 0
            status = await one_request(c, QUESTIONS[i % len(QUESTIONS)], stream, tally)
            log.answered(status)
            if status == 429:
                await asyncio.sleep(BACKOFF_S)
            i += 1


def allowance(args, seconds: float) -> float:
    """How many requests a client may have made `seconds` after its first: its burst, then the rate."""
    return args.burst + args.rate_per_minute / 60.0 * seconds


async def drive(url: str, args) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    deadline = started + args.duration
    tasks = [asyncio.create_task(client_loop(n, url, deadline, args, tally)) for n in range(args.clients)]
    _done, late = await asyncio.wait(tasks, timeout=args.duration + args.request_timeout + 5)
    for task in late:  # cannot happen with the per-request timeout; a hard stop all the same
        task.cancel()
    return tally, time.monotonic() - started


def rate_report(tally: Tally, args) -> dict | None:
    """Whether the limit held: no client got more than its allowance over the run (shared by every
    worker), and no 429 came while a client had tokens left. None when the run had no limit."""
    if args.rate_per_minute <= 0:
        return None
    clients = [c for c in tally.clients.values() if c.first is not None]
    oks = [c.ok for c in clients]
    # a token spent at the last send may come from the last fraction of a second: one more is allowed
    over = sum(1 for c in clients if c.last is not None and c.first is not None
               and c.ok > allowance(args, c.last - c.first) + 1)
    early = sum(c.early_429s for c in clients)
    return {"per_minute": args.rate_per_minute, "burst": args.burst,
            "allowed_per_client": round(allowance(args, args.duration), 1),
            "ok_per_client": {"min": min(oks, default=0), "max": max(oks, default=0)},
            "clients_over_limit": over, "early_429s": early, "held": over == 0 and early == 0}
