"""A scripted OpenAI-compatible server on loopback: `POST /v1/chat/completions`, non-stream JSON (with
tool_calls) and SSE streaming (`data: {...}` chunks ending with `data: [DONE]`). Each request takes the
next scripted reply; every request body is recorded so tests can assert what the client sent."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str = ""
    tool_calls: list[tuple[str, dict | str]] = field(default_factory=list)  # (name, args or raw JSON text)
    status: int = 200
    delay: float = 0.0  # seconds before the response starts
    stall: float = 0.0  # streaming only: seconds to hang after the first delta
    retry_after_ms: int | None = None  # error replies: lets the client retry quickly
    ran_out: bool = False  # set when its delay or stall ran its full course (nobody cut it short)


def text(content: str, **kw) -> Reply:
    return Reply(text=content, **kw)


def tool_call(name: str, args: dict | str, **kw) -> Reply:
    return Reply(tool_calls=[(name, args)], **kw)


def error(status: int = 500, **kw) -> Reply:
    return Reply(status=status, retry_after_ms=kw.pop("retry_after_ms", 5), **kw)


class LoopbackServer:
    """An HTTP server on a free loopback port, run on a thread while used as a context manager.
    `stopping` is set on exit so handlers that wait (slow or dripping replies) wake up."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


class ScriptedOpenAI(LoopbackServer):
    """Use as a context manager; `script(*replies)` queues replies, `requests` holds the bodies received."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict] = []
        super().__init__(_handler(self))

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self, body: dict) -> Reply:
        self.requests.append(body)
        if not self.replies:
            return Reply(status=500, text="script exhausted")
        return self.replies.popleft()


def _completion(reply: Reply, model: str) -> dict:
    calls = [{"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": _raw(args)}}
             for i, (name, args) in enumerate(reply.tool_calls)]
    message = {"role": "assistant", "content": reply.text or None}
    if calls:
        message["tool_calls"] = calls
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}


def _deltas(reply: Reply) -> list[dict]:
    out: list[dict] = [{"role": "assistant", "content": ""}]
    for i, (name, args) in enumerate(reply.tool_calls):
        raw = _raw(args)
        out.append({"tool_calls": [{"index": i, "id": f"call_{i}", "type": "function",
                                    "function": {"name": name, "arguments": ""}}]})
        out += [{"tool_calls": [{"index": i, "function": {"arguments": raw[j : j + 8]}}]}
                for j in range(0, len(raw), 8)]
    out += [{"content": reply.text[j : j + 4]} for j in range(0, len(reply.text), 4)]
    return out


def _raw(args: dict | str) -> str:
    return args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)


def _interrupted(fake: LoopbackServer, reply: Reply, seconds: float) -> bool:
    """Waits `seconds` unless the server stops first (then True); a wait that ran out marks the reply."""
    if fake.stopping.wait(seconds):
        return True
    reply.ran_out = True
    return False


def _handler(fake: ScriptedOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            reply = fake.next_reply(body)
            if reply.delay and _interrupted(fake, reply, reply.delay):
                return
            try:
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": reply.text or "scripted failure",
                                                        "type": "server_error"}}, reply.retry_after_ms)
                elif body.get("stream"):
                    self._sse(reply, body.get("model", "fake"))
                else:
                    self._json(200, _completion(reply, body.get("model", "fake")))
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): expected
                pass

        def _json(self, status: int, payload: dict, retry_after_ms: int | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if retry_after_ms is not None:
                self.send_header("retry-after-ms", str(retry_after_ms))
            self.end_headers()
            self.wfile.write(data)

        def _sse(self, reply: Reply, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            finish = "tool_calls" if reply.tool_calls else "stop"
            for i, delta in enumerate([*_deltas(reply), {}]):
                self._event({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                             "model": model, "choices": [{"index": 0, "delta": delta,
                                                          "finish_reason": None if delta else finish}]})
                if i == 1 and reply.stall and _interrupted(fake, reply, reply.stall):
                    return
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, chunk: dict) -> None:
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

    return Handler
