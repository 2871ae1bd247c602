"""SIGKILL while feedback is being written: no row whose commit was reported is lost, and the store
(SQLite, WAL, synchronous=FULL) opens cleanly afterwards — for a bare writer and for the real server."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import httpx

from assistant.store import SqlStore
from eval.loadtest import running_server
from tests.api.live import ROOT

ROUNDS, THREADS = 3, 4


def kill_writer_after(url: str, rows: int) -> dict[int, str]:
    """Start the writer, SIGKILL it once it has reported `rows` commits; all it reported: {id: question}."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.feedback_writer", url, str(THREADS)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported: dict[int, str] = {}
    deadline = time.monotonic() + 60
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            row, question = line.split()
            reported[int(row)] = question
            if len(reported) >= rows or time.monotonic() > deadline:
                os.kill(proc.pid, signal.SIGKILL)  # mid-write: the other threads are inside transactions
                break
        proc.wait(timeout=10)
        reported.update({int(r): q for r, q in (ln.split() for ln in proc.stdout.read().splitlines() if ln)})
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    return reported


def check_store(path, reported: dict[int, str]) -> int:
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = SqlStore(f"sqlite:///{path}")  # reopens (and recovers the WAL) cleanly
    try:
        rows = {r["id"]: r["question"] for r in store.feedback(limit=10**6)}
        lost = {i: q for i, q in reported.items() if rows.get(i) != q}
        assert not lost, f"committed rows lost: {sorted(lost)[:10]}"
        store.add_feedback("after restart", "ok", 1)
        return len(rows)
    finally:
        store.close()


def test_killed_writer_loses_no_committed_row(tmp_path):
    path = tmp_path / "store.sqlite3"
    everything: dict[int, str] = {}
    for _ in range(ROUNDS):
        reported = kill_writer_after(f"sqlite:///{path}", random.randint(50, 400))
        assert reported and not set(reported) & set(everything)
        everything.update(reported)
        stored = check_store(path, everything)
        # the store may hold a few commits more than reported (committed, killed before printing)
        assert len(everything) <= stored <= len(everything) + (THREADS + 1) * ROUNDS


def post_feedback_until_killed(url: str, proc, after: int) -> dict[int, str]:
    """Several clients POST /api/feedback; SIGKILL the server after `after` 201s. {id: question} of 201s."""
    stored: dict[int, str] = {}
    lock, stop = threading.Lock(), threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=10) as c:
            for i in range(10**6):
                if stop.is_set():
                    return
                question = f"c{n}-{i}"
                try:
                    r = c.post("/api/feedback", json={"question": question, "answer": "答", "rating": 1})
                except httpx.HTTPError:  # the server is gone
                    return
                if r.status_code == 201:
                    with lock:
                        stored[r.json()["id"]] = question
                        if len(stored) >= after and not stop.is_set():
                            stop.set()
                            os.kill(proc.pid, signal.SIGKILL)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return stored


def test_killed_server_loses_no_acknowledged_feedback(tmp_path):
    data_dir = tmp_path / "data"
    with running_server(data_dir) as (url, proc):
        acknowledged = post_feedback_until_killed(url, proc, after=150)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 150
    check_store(data_dir / "chainqa.sqlite3", acknowledged)
    with running_server(data_dir) as (url, _proc):  # restarts on the same store and keeps taking feedback
        r = httpx.post(f"{url}/api/feedback", json={"question": "重启后", "answer": "好", "rating": 1}, timeout=10)
        assert r.status_code == 201 and r.json()["id"] > max(acknowledged)
