"""A fake platform API on a loopback port: the kit every connector's tests build on.

A `FakeApi` is a real HTTP server (`http.server`, one thread per request) on 127.0.0.1 with
a random port. A source's fake registers handlers for the documented endpoints (say in the
fake which reference page and response shape each reproduces) and the test points the
connector at it with `SOCIALROI_<SOURCE>_API_BASE` (`fake.env(monkeypatch, "meta")`).

Faults are queued per path pattern and served before the handler runs, in order:

    fake.fault(r"/insights$", status=429, headers={"Retry-After": "2"})   # once
    fake.fault(r"/insights$", status=503, times=2)
    fake.fault(r"/insights$", body=b"<html>", status=200)                   # malformed
    fake.fault(r"/insights$", delay=5)                                      # times out

Every request is recorded (`fake.requests`: method, path, query, headers, form) so tests can
assert what was sent (the bearer token, the paging cursor, the refresh grant).

    with FakeApi() as fake:
        fake.route("GET", r"/v25.0/act_(\\d+)/insights", handler)
        ...

A handler takes a `Request` and returns `Reply(status, json_body, headers)` (or a dict,
served as 200 JSON). Regex groups of the route are `req.match.groups()`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]
    body: bytes
    match: re.Match | None = None

    @property
    def bearer(self) -> str | None:
        got = self.headers.get("authorization", "")
        return got[7:] if got.lower().startswith("bearer ") else None


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow or hung upstream)


@dataclass
class Fault:
    pattern: re.Pattern
    reply: Reply
    times: int = 1


Handler = Callable[[Request], "Reply | dict | list"]


class FakeApi:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        fake = self

        class _H(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                fake._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- set-up ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self, monkeypatch: Any, source: str) -> None:
        """Point `source`'s connector here (`SOCIALROI_<SOURCE>_API_BASE`)."""
        monkeypatch.setenv(f"SOCIALROI_{source.upper()}_API_BASE", self.base_url)

    def route(self, method: str, pattern: str, handler: Handler | None = None) -> Any:
        def add(fn: Handler) -> Handler:
            self.routes.append((method.upper(), re.compile(pattern), fn))
            return fn

        return add(handler) if handler is not None else add

    def fault(
        self,
        pattern: str,
        *,
        status: int = 500,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        reply = Reply(status, body, headers or {}, delay)
        self.faults.append(Fault(re.compile(pattern), reply, times))

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeApi:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def calls(self, pattern: str, method: str | None = None) -> list[Request]:
        rx = re.compile(pattern)
        return [
            r for r in self.requests if rx.search(r.path) and (not method or r.method == method)
        ]

    # -- serving ---------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        n = int(h.headers.get("content-length") or 0)
        body = h.rfile.read(n) if n else b""
        form: dict[str, str] = {}
        if "form-urlencoded" in (h.headers.get("content-type") or ""):
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        req = Request(
            h.command,
            parts.path,
            {k: v[0] for k, v in parse_qs(parts.query).items()},
            {k.lower(): v for k, v in h.headers.items()},
            form,
            body,
        )
        with self._lock:
            self.requests.append(req)
            fault = next(
                (f for f in self.faults if f.times > 0 and f.pattern.search(req.path)), None
            )
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            self._send(h, fault.reply)
            return
        for method, rx, fn in self.routes:
            m = rx.fullmatch(req.path)
            if m and method == req.method:
                req.match = m
                got = fn(req)
                self._send(h, got if isinstance(got, Reply) else Reply(200, got))
                return
        self._send(
            h, Reply(404, {"error": {"message": f"no route {req.method} {req.path}", "code": 803}})
        )

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        h.send_response(reply.status)
        if not isinstance(reply.body, bytes):
            h.send_header("Content-Type", "application/json")
        for k, v in reply.headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


def page_of(items: list[Any], after: str | None, size: int) -> tuple[list[Any], str | None]:
    """One page of `items` from the opaque cursor `after` (here: an index as text)."""
    start = int(after or 0)
    chunk = items[start : start + size]
    nxt = str(start + size) if start + size < len(items) else None
    return chunk, nxt
