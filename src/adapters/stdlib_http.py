"""A small HTTP/1.1 client on the standard library (`http.client` over `ssl`), for the Lambda.

The Lambda makes two PATCHes (and, in production, one read of its token from the secrets
extension): httpx, with its dependencies, tripled its cold import (issue 17, part 5). This is
what those calls need and no more:

- one keep-alive connection per origin, reused by a warm container (a connection the server
  closed meanwhile is replaced once, before any answer was read);
- a total deadline per request, from connecting to the last byte of the body: each socket
  operation waits at most what is left, and a timer shuts the socket when the deadline passes,
  so that a server sending its answer a byte at a time cannot stretch it;
- a cap on the body (`AnswerTooLarge` past it, the rest left unread);
- TLS verified against the system's trust store (or the context given), hostname included;
- redirects never followed: every answer is returned as it is.

`urllib.request` sits on the same `http.client`, but follows redirects and knows only a timeout
per socket operation. Errors name the URL's origin and what failed, never a header's value.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = ["DEFAULT_MAX_BYTES", "AnswerTooLarge", "HttpFailed", "Reply", "StdlibClient"]

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024
# What a connection closed by the server while idle looks like at the next request.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class HttpFailed(Exception):
    """No complete answer: the connection failed, or the deadline passed."""


class AnswerTooLarge(HttpFailed):
    """The answer's body exceeds the cap; `status` is the answer's."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Reply(NamedTuple):
    """An answer: its status, its headers (names in lower case) and its whole body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Origin(NamedTuple):
    scheme: str
    host: str
    port: int


class StdlibClient:
    """`request(method, url, headers=..., timeout=...)` -> `Reply`; `close()` when done.

    `context`: the TLS context of https requests (default: the system's trust store, verified).
    Safe to share between threads: a connection serves one request at a time.
    """

    def __init__(
        self, *, context: ssl.SSLContext | None = None, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self._context = context
        self._max_bytes = max_bytes
        self._idle: dict[_Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        timeout: float,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> Reply:
        """Send one request and read its whole answer within `timeout` seconds in all; of
        which connecting may take `connect_timeout`, and the rest (from the request sent to the
        answer's last byte) `read_timeout`."""
        deadline = time.monotonic() + timeout
        origin, target = _split(url)
        cap = self._max_bytes if max_bytes is None else max_bytes
        connection = self._take(origin)
        reused = connection is not None
        for _ in range(2):
            if connection is None:
                connection = self._connect(origin, deadline, connect_timeout)
            ends = deadline
            if read_timeout is not None:
                ends = min(deadline, time.monotonic() + read_timeout)
            try:
                reply = _exchange(
                    connection, method, target, headers or {}, body, deadline=ends, cap=cap
                )
            except _STALE as error:
                connection.close()
                connection = None
                if reused and time.monotonic() < deadline:
                    reused = False  # the server closed it while idle: once more, afresh
                    continue
                raise _failed(origin, error, ends) from None
            except AnswerTooLarge:
                connection.close()
                raise
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                raise _failed(origin, error, ends) from None
            self._give_back(origin, connection)
            return reply
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def __enter__(self) -> StdlibClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _take(self, origin: _Origin) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(origin)
            return idle.pop() if idle else None

    def _give_back(self, origin: _Origin, connection: http.client.HTTPConnection) -> None:
        if connection.sock is None:  # the server said it closes the connection
            return
        with self._lock:
            self._idle.setdefault(origin, []).append(connection)

    def _connect(
        self, origin: _Origin, deadline: float, connect_timeout: float | None
    ) -> http.client.HTTPConnection:
        left = deadline - time.monotonic()
        wait = left if connect_timeout is None else min(left, connect_timeout)
        if wait <= 0:
            raise HttpFailed(f"{_show(origin)}: no time left to connect")
        connection: http.client.HTTPConnection
        if origin.scheme == "https":
            if self._context is None:
                self._context = ssl.create_default_context()  # verifies: CERT_REQUIRED, hostname
            connection = http.client.HTTPSConnection(
                origin.host, origin.port, timeout=wait, context=self._context
            )
        else:
            connection = http.client.HTTPConnection(origin.host, origin.port, timeout=wait)
        try:
            connection.connect()
        except OSError as error:
            connection.close()
            raise _failed(origin, error, deadline) from None
        return connection


def _split(url: str) -> tuple[_Origin, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http or https URL: {parts.scheme}://{parts.hostname or ''}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a URL with user-info is refused")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Origin(parts.scheme, parts.hostname, port), target


def _exchange(
    connection: http.client.HTTPConnection,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    deadline: float,
    cap: int,
) -> Reply:
    sock = connection.sock
    left = deadline - time.monotonic()
    if sock is None or left <= 0:
        raise TimeoutError("the deadline passed")
    sock.settimeout(left)
    # The timer bounds the whole exchange: a socket timeout alone restarts at each byte read.
    watchdog = threading.Timer(left, _shut, (sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(method, target, body=body, headers=dict(headers))
        response = connection.getresponse()
        content = _read(response, cap)
    finally:
        watchdog.cancel()
    if time.monotonic() >= deadline:  # the timer cut the answer short
        raise TimeoutError("the deadline passed")
    return Reply(
        response.status,
        {name.lower(): value for name, value in response.getheaders()},
        content,
    )


def _read(response: http.client.HTTPResponse, cap: int) -> bytes:
    # What the answer announces (None: chunked, or until the close; 0 for a 204 or a 304).
    expected = response.length
    if expected is not None and expected > cap:
        raise AnswerTooLarge(
            f"the answer is larger than {cap} bytes ({expected} announced)", response.status
        )
    body = bytearray()
    while chunk := response.read(min(_CHUNK, cap + 1 - len(body))):
        body += chunk
        if len(body) > cap:
            raise AnswerTooLarge(f"the answer is larger than {cap} bytes", response.status)
    if expected is not None and len(body) < expected:
        # http.client ends a body the connection cut short without a word.
        raise http.client.IncompleteRead(bytes(body), expected - len(body))
    return bytes(body)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, under TLS too: a blocked read returns, and the TLS object the
    # reading thread uses is left as it is. Already closed: nothing left to interrupt.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _failed(origin: _Origin, error: BaseException, deadline: float) -> HttpFailed:
    if time.monotonic() >= deadline or isinstance(error, TimeoutError):
        return HttpFailed(f"{_show(origin)}: no complete answer before the deadline")
    detail = str(error).strip()
    reason = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return HttpFailed(f"{_show(origin)}: {reason}")


def _show(origin: _Origin) -> str:
    host = f"[{origin.host}]" if ":" in origin.host else origin.host
    return f"{origin.scheme}://{host}:{origin.port}"
