"""eval/loadtest.py itself: a short run starts `chainqa serve` with two workers sharing a real
redis-server on loopback, drives it, stops by itself and reports throughput, percentiles, errors and
whether the shared rate limit held (the 50 × 60 s run is in docs/RELIABILITY.md). How fast is not
asserted here: that is `chainqa bench`'s business."""

from __future__ import annotations

import argparse
import json
import shutil

import pytest

from eval import loadtest
from eval.load_clients import ClientLog, Tally, allowance, identity, rate_report
from tests.services import need


def test_the_environment_is_loopback_offline_and_trusts_only_the_load_test(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("CHAINQA_CHROMA_URL", "http://10.0.0.1:8000")
    env = loadtest.server_env(tmp_path, 1e6, 1000, "redis://127.0.0.1:1/0")
    assert "OPENAI_API_KEY" not in env and "CHAINQA_CHROMA_URL" not in env
    assert env["CHAINQA_ENGINE"] == "offline" and env["CHAINQA_DATA_DIR"] == str(tmp_path)
    assert json.loads(env["CHAINQA_TRUSTED_PROXIES"]) == ["127.0.0.1"] and env["CHAINQA_REDIS_URL"]
    assert loadtest.HOST == "127.0.0.1" and identity(0).startswith("127.") and identity(0) != "127.0.0.1"


def test_the_rate_report_tells_a_shared_limit_from_a_per_process_one():
    args = argparse.Namespace(rate_per_minute=60.0, burst=3, duration=10.0)
    fair = Tally(clients={0: ClientLog(first=0.0, last=10.0, ok=13)})
    assert allowance(args, 10.0) == 13 and rate_report(fair, args)["held"]
    doubled = Tally(clients={0: ClientLog(first=0.0, last=10.0, ok=26)})  # two workers, each its own bucket
    assert rate_report(doubled, args)["clients_over_limit"] == 1 and not rate_report(doubled, args)["held"]
    early = Tally(clients={0: ClientLog(first=0.0, last=10.0, ok=5, early_429s=2)})
    assert not rate_report(early, args)["held"]


def test_a_429_is_early_only_when_the_replayed_bucket_had_tokens_left():
    args = argparse.Namespace(rate_per_minute=60.0, burst=3)
    log = ClientLog()
    for _ in range(3):  # the burst at t = 0
        log.sent(0.0, args)
        log.answered(200)
    log.sent(0.1, args)
    log.answered(429)  # empty bucket: a fair 429
    log.sent(20.0, args)
    log.answered(429)  # 20 s later the bucket is full again (capped at the burst): an early 429
    assert (log.ok, log.early_429s, log.tokens) == (3, 1, 3.0)


@pytest.mark.slow
def test_a_short_run_on_two_workers_sharing_redis(tmp_path, capsys):
    need("redis-server", shutil.which("redis-server"))
    code = loadtest.main(["--clients", "4", "--duration", "3", "--workers", "2", "--rate-per-minute", "60",
                          "--burst", "3", "--max-requests", "400", "--data-dir", str(tmp_path / "data"),
                          "--output", str(tmp_path / "load.json")])
    result = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert result == json.loads(capsys.readouterr().out)
    assert code == 0 and result["redis"] and result["workers"] == 2
    assert result["errors"] == 0 and result["ok"] > 0 and result["limited"] > 0
    assert result["requests"] == result["ok"] + result["limited"]
    limit = result["rate_limit"]
    assert limit["held"] and limit["clients_over_limit"] == 0 and limit["early_429s"] == 0
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p95"] <= result["latency_ms"]["p99"]
    assert result["server_5xx_or_tracebacks"] == 0
