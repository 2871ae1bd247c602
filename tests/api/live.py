"""A real uvicorn server on a free loopback port, in a thread, for the API and browser tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from assistant.api import server as serving

ROOT = Path(__file__).resolve().parents[2]
ADMIN_KEY = "test-admin-key-0123456789"


class LiveServer:
    """`with LiveServer(app) as base_url:` serves `app` (lifespan included) until the block ends, with the
    uvicorn configuration `chainqa serve` uses (h11, header limits and timeouts, no proxy headers)."""

    def __init__(self, app, startup_timeout: float = 300.0) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        state = getattr(app.state, "chainqa", None)  # other apps (a demo portal) get the default limits
        config = serving.config(app, state.settings if state else make_settings(ROOT / "data"), log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=3)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.startup_timeout = startup_timeout

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the test server exited during startup")
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start in time")
            time.sleep(0.05)
        self._wait_for_ui(deadline)
        self._wait_for_warm_up(deadline)
        return self.url

    def _wait_for_ui(self, deadline: float) -> None:
        """The UI is built in the background after the service (/healthz first): a test of /ui starts once it
        is there, since the first Gradio import of a fresh environment can take longer than a client waits."""
        state = getattr(self.app.state, "chainqa", None)
        ui = getattr(state, "ui", None)
        while ui is not None and ui.target is None and ui.failed is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server's UI was not built in time")
            time.sleep(0.05)

    def _wait_for_warm_up(self, deadline: float) -> None:
        """Until the warm-up after start has checked the index's vectors, /healthz says `degraded` (keyword
        search answers meanwhile): a test starts once it has run (tests/reliability/test_vector_check.py
        looks at the time before)."""
        state = getattr(self.app.state, "chainqa", None)
        warmed = getattr(state, "warmed", None)
        while warmed is not None and not warmed.wait(0.05):
            if time.monotonic() > deadline:
                raise RuntimeError("the test server's warm-up did not end in time")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


def shared_data_dir(tmp_path_factory) -> Path:
    """One index directory for the whole test session (the API and browser servers reuse the build)."""
    path = tmp_path_factory.getbasetemp() / "chainqa-data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_settings(data_dir: Path, **overrides):
    from assistant.config import Settings

    values = {"data_dir": data_dir, "store_url": f"sqlite:///{data_dir / 'store-test.sqlite3'}",
              "admin_api_key": ADMIN_KEY, "rate_per_minute": 60000.0, "rate_burst": 100000,
              "admin_rate_per_minute": 60000.0, "admin_rate_burst": 100000,
              "engine": "offline", "chroma_url": None}
    values.update(overrides)
    return Settings(**values)


def serve(data_dir: Path, **overrides) -> LiveServer:
    """A server with other settings (rate limits, no admin key…): `with serve(d, rate_burst=2) as url:`."""
    from assistant.api.app import create_app

    return LiveServer(create_app(make_settings(data_dir, **overrides)))
