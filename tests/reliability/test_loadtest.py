"""eval/loadtest.py itself: a short run starts `chainqa serve` on loopback, drives it, stops by itself
within its bounds and reports throughput, percentiles and errors (the 50 × 60 s run is in RELIABILITY.md)."""

from __future__ import annotations

import json
import time

import pytest

from eval import loadtest


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert [loadtest.percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert loadtest.percentile([], 50) is None


def test_the_environment_is_loopback_and_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("CHAINQA_CHROMA_URL", "http://10.0.0.1:8000")
    env = loadtest.server_env(tmp_path, 1e6, 1000)
    assert "OPENAI_API_KEY" not in env and "CHAINQA_CHROMA_URL" not in env
    assert env["CHAINQA_ENGINE"] == "offline" and env["CHAINQA_DATA_DIR"] == str(tmp_path)
    assert loadtest.HOST == "127.0.0.1"


@pytest.mark.slow
def test_a_short_run(tmp_path, capsys):
    started = time.monotonic()
    code = loadtest.main(["--clients", "4", "--duration", "2", "--max-requests", "150", "--data-dir",
                          str(tmp_path / "data"), "--output", str(tmp_path / "load.json")])
    result = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert code == 0 and result == json.loads(capsys.readouterr().out)
    assert result["errors"] == 0 and 0 < result["ok"] <= 150 and result["requests"] == result["ok"]
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p95"] <= result["latency_ms"]["p99"]
    assert result["throughput_rps"] > 0 and result["engines"]["stream"] > 0
    assert result["server_5xx_or_tracebacks"] == 0
    assert time.monotonic() - started < 120  # startup (index build) + 2 s of load + shutdown
