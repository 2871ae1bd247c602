"""The bench's load generator: `clients` keep-alive HTTP/1.1 connections on raw asyncio streams, each
sending its next request when the previous answer is in, for `seconds`. It runs in a process of its own
(`python -m eval.load < SPEC`) and is lean on purpose: an httpx client costs the 2 cores about as much CPU
as the server it measures. Optionally one more connection GETs a probe route (/healthz) every
`probe_every_s` throughout, to show whether the server kept answering it.

SPEC (JSON, on stdin): {"port", "seconds", "clients", "requests": [[method, path, body or null], ...],
"probe": path or null, "probe_every_s", "expect": substring of a good body or null}."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from eval.stats import p50_p95


def request_bytes(method: str, path: str, body: str | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: application/json\r\n"
    if body is None:
        return (head + "\r\n").encode()
    data = body.encode("utf-8")
    return (head + f"content-type: application/json\r\ncontent-length: {len(data)}\r\n\r\n").encode() + data


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> tuple[int, bytes]:
    """One request and its response (content-length bodies: every route the bench drives has one)."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(v) for k, _, v in (line.partition(":") for line in lines[1:])
                   if k.strip().lower() == "content-length"), 0)
    return status, await reader.readexactly(length)


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0


async def _client(port: int, requests: list[bytes], start: int, step: int, deadline: float, expect: bytes | None,
                  tally: _Tally) -> None:
    i = start
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status, body = await exchange(reader, writer, requests[i % len(requests)])
                ok = status == 200 and (expect is None or expect in body)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            tally.latencies.append((time.perf_counter() - t0) * 1000)
            tally.errors += not ok
            i += step
    finally:
        writer.close()


async def _probe(port: int, path: str, every: float, deadline: float, tally: _Tally) -> None:
    raw = request_bytes("GET", path, None)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(exchange(reader, writer, raw), 5.0)
                tally.errors += status != 200
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                tally.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            tally.latencies.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(every)
    finally:
        writer.close()


async def drive(spec: dict) -> dict:
    """Figures of one load run: req/s of good answers, p50/p95 latency, errors; the probe's too."""
    requests = [request_bytes(m, p, b) for m, p, b in spec["requests"]]
    expect = spec.get("expect")
    deadline = time.perf_counter() + spec["seconds"]
    tally, probe = _Tally(), _Tally()
    clients = spec["clients"]
    jobs = [_client(spec["port"], requests, n, clients, deadline, expect.encode() if expect else None, tally)
            for n in range(clients)]
    if spec.get("probe"):
        jobs.append(_probe(spec["port"], spec["probe"], spec.get("probe_every_s", 0.1), deadline, probe))
    started = time.perf_counter()
    await asyncio.gather(*jobs)
    elapsed = time.perf_counter() - started
    out = {"rps": round((len(tally.latencies) - tally.errors) / elapsed, 1), **_ms(tally.latencies),
           "errors": tally.errors, "requests": len(tally.latencies)}
    if spec.get("probe"):
        out["probe"] = {**_ms(probe.latencies), "max_ms": round(max(probe.latencies, default=0.0), 1),
                        "errors": probe.errors, "requests": len(probe.latencies)}
    return out


def _ms(latencies: list[float]) -> dict:
    q = p50_p95(latencies)
    return {"p50_ms": q["p50"], "p95_ms": q["p95"]}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(drive(json.loads(sys.stdin.read())))))
