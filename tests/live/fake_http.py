"""What the fake Stripe and Paddle servers share: a threaded JSON server on 127.0.0.1
with a request log, injected faults, latency and a requests-per-second limiter."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# What an injected fault sends instead of the page (Faults.kind).
STATUS = "status"  # an error status: `status`, with `headers`
HTML = "html"  # 200 with an HTML body, as a proxy's or load balancer's error page
TRUNCATED = "truncated"  # the page's JSON cut short: the connection closes mid-body
HANG = "hang"  # the connection is accepted and never answered (until the server stops)


@dataclass
class Faults:
    """Trouble to inject. Request numbers count every request, from 1."""

    every_nth: int = 0  # every Nth request fails with `status`
    first: int = 0  # the first N requests fail with `status`
    kind: str = STATUS  # what a failing request gets: STATUS, HTML, TRUNCATED or HANG
    status: int = 429
    headers: Mapping[str, str] = field(default_factory=dict)  # sent with injected faults
    latency: float = 0.0  # seconds before every successful page
    rate_limit: float | None = None  # requests/s allowed; 429 beyond
    burst: float | None = None  # limiter capacity; default a fifth of a second's worth
    denied: Mapping[str, str] = field(default_factory=dict)  # resource -> permission lacking

    def injected(self, number: int) -> bool:
        if number <= self.first:
            return True
        return self.every_nth > 0 and number % self.every_nth == 0


@dataclass
class Hit:
    number: int
    path: str
    query: dict[str, Any]
    status: int
    started: float
    finished: float = 0.0


@dataclass
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    slow: bool = False  # a served page: subject to the configured latency
    raw: bytes | None = None  # sent as it is instead of `body` as JSON
    cut: bool = False  # send half the body under the whole one's length, then close


class _Limiter:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.capacity = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def parse_query(raw: str) -> dict[str, Any]:
    """`a=1&created[gte]=5&expand[0]=x` -> {"a": "1", "created": {"gte": "5"}, "expand": ["x"]}."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if "[" in key and key.endswith("]"):
            name, sub = key[:-1].split("[", 1)
            if sub == "" or sub.isdigit():
                result.setdefault(name, []).append(value)
            else:
                result.setdefault(name, {})[sub] = value
        else:
            result[key] = value
    return result


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout test) is not the server's error to print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class FakeServer:
    """Subclasses implement `route(path, query, headers) -> Reply`."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._count = 0
        rate = self.faults.rate_limit
        self._limiter = (
            _Limiter(rate, self.faults.burst or max(rate / 5, 1.0)) if rate is not None else None
        )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeServer:
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self._handle))
        self._server.daemon_threads = True
        # A short poll keeps shutdown() quick: tests start and stop many servers.
        serve = partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # a hung request gives up now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> int:
        return len(self.hits)

    def route(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        raise NotImplementedError

    def fault_reply(self, number: int, path: str) -> Reply:
        raise NotImplementedError

    def rate_limited_reply(self) -> Reply:
        raise NotImplementedError

    # -- request handling --------------------------------------------------------------
    def _handle(self, path: str, raw_query: str, headers: Mapping[str, str]) -> Reply:
        query = parse_query(raw_query)
        with self._lock:
            self._count += 1
            number = self._count
            limited = self._limiter is not None and not self._limiter.allow()
            hit = Hit(number, path, query, 0, time.monotonic())
            self.hits.append(hit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if limited:
                reply = self.rate_limited_reply()
            elif self.faults.injected(number) and self.faults.kind != STATUS:
                reply = self._broken(path, query, headers)
            elif self.faults.injected(number):
                reply = self.fault_reply(number, path)
            else:
                reply = self.route(path, query, headers)
            if reply.slow and self.faults.latency:
                time.sleep(self.faults.latency)
            hit.status = reply.status
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1
                hit.finished = time.monotonic()

    def _broken(self, path: str, query: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        """What a request gets under an injected fault of a kind other than a status."""
        kind = self.faults.kind
        if kind == HANG:
            self._stopping.wait(120)
            return Reply(504, {"error": "the fake server stopped"})
        if kind == HTML:
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            return Reply(200, None, {"Content-Type": "text/html"}, raw=page)
        if kind == TRUNCATED:
            return replace(self.route(path, query, headers), cut=True)
        raise ValueError(f"unknown fault kind {kind!r}")


def _handler_for(
    handle: Callable[[str, str, Mapping[str, str]], Reply],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = handle(parts.path, parts.query, headers)
            body = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            if "Content-Type" not in reply.headers:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.cut:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests read FakeServer.hits instead

    return Handler
