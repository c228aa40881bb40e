"""Slow clients under uvicorn: a deadline on each request's head, and a cap on connections.

uvicorn waits forever for a request's headers (it times out only an idle connection), so a
client that sends half a request would hold its connection for good. `HeaderDeadline` wraps
uvicorn's HTTP protocol and closes a connection whose head is late; the app, wrapped by
`heads_received`, tells it when a head arrived and when the answer is done.
Bodies are timed by `entrypoints.api.middleware.BodyDeadlineMiddleware`. Connections are capped
here too rather than by uvicorn's `limit_concurrency`, whose refusal is a bare text 503: a request
on one connection too many is answered as every busy answer is, a problem+json 503 with
`Retry-After` (and the connection closed, to give the place back). Settings: README,
"Configuration".
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Any, ClassVar

from attrs import define, frozen
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from entrypoints.api.middleware import RequestContextMiddleware
from entrypoints.api.problems import ApiProblem, problem_response

OVERLOAD_RETRY_AFTER = "1"  # connections free up as answers finish: a second is usually enough


@frozen
class ConnectionLimits:
    """How long a request's head may take to arrive, and how many connections are served."""

    header_timeout: float = 10.0
    max_connections: int = 500


@define
class _Load:
    """What one server has open: connections, and requests still being answered (one may
    outlive its connection), counted by the protocol instances that share it."""

    connections: int = 0
    requests: int = 0


# The connection whose bytes are being parsed. uvicorn starts each request's task while
# `data_received` runs, and a task copies the context it is created in, so the app reads here
# the connection its request came on.
_CONNECTION: ContextVar[HeaderDeadline | None] = ContextVar("bestshot_connection", default=None)

_LATE = b"the request headers arrived too late"
_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_LATE), _LATE)
)


class HeaderDeadline(asyncio.Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline from the connection (and from each answer)
    to the end of the next request's head. `header_deadline(seconds)` makes the class."""

    timeout: ClassVar[float] = 10.0
    max_connections: ClassVar[int | None] = None  # None: no cap
    load: ClassVar[_Load] = _Load()  # one per class that `header_deadline` makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._inner = H11Protocol(*args, **kwargs)
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._requests = 0  # in flight on this connection: 0 or 1 with HTTP/1.1
        self._partial = False  # bytes of a request head have arrived since the last request

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - a stream server's
        self._transport = transport
        self.load.connections += 1
        self._arm()
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._requests == 0:
            self._partial = True
        token = _CONNECTION.set(self)
        try:
            self._inner.data_received(data)
        finally:
            _CONNECTION.reset(token)

    def eof_received(self) -> None:
        self._inner.eof_received()  # None: the transport closes its end, as uvicorn's does

    def connection_lost(self, exc: Exception | None) -> None:
        self.load.connections -= 1
        self._disarm()
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def request_started(self) -> None:
        self._requests += 1
        self.load.requests += 1
        self._partial = False
        self._disarm()

    def request_finished(self) -> None:
        self._requests -= 1
        self.load.requests -= 1
        if self._requests == 0:
            self._arm()

    def overloaded(self) -> bool:
        """Whether the server has more connections, or requests under way, than it serves at
        once (this connection and its request counted)."""
        limit = self.max_connections
        return limit is not None and max(self.load.connections, self.load.requests) > limit

    def _arm(self) -> None:
        self._disarm()
        self._timer = asyncio.get_running_loop().call_later(self.timeout, self._expired)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        transport = self._transport
        if transport is None or transport.is_closing() or self._requests:
            return
        if transport.get_write_buffer_size():
            transport.abort()  # a client that reads nothing either: nothing to flush for it
            return
        if self._partial:
            transport.write(_TIMED_OUT)
        transport.close()


def header_deadline(seconds: float, max_connections: int | None = None) -> type[HeaderDeadline]:
    """The protocol class to hand uvicorn (`Config(http=...)`), with this deadline and this cap
    on connections (enforced by `heads_received`; None: no cap), counting its own connections."""
    return type(
        "HeaderDeadline",
        (HeaderDeadline,),
        {"timeout": seconds, "max_connections": max_connections, "load": _Load()},
    )


async def _overloaded(scope: Scope, receive: Receive, send: Send) -> None:
    problem = ApiProblem(
        503,
        "the server is answering as many connections as it serves at once; try again in a second",
        kind="overloaded",
        title="Busy",
        headers={"Retry-After": OVERLOAD_RETRY_AFTER, "Connection": "close"},
    )
    await problem_response(problem, Request(scope))(scope, receive, send)


# The refusal gets a request id and an access log line, as every other answer does.
_REFUSE: ASGIApp = RequestContextMiddleware(_overloaded)


def heads_received(app: ASGIApp) -> ASGIApp:
    """`app`, telling the connection's `HeaderDeadline` when a request starts and ends, and
    refusing the request (503, see the module) when the server is over its connection cap."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        connection = _CONNECTION.get()
        if connection is None or scope["type"] != "http":
            await app(scope, receive, send)
            return
        connection.request_started()
        try:
            await (_REFUSE if connection.overloaded() else app)(scope, receive, send)
        finally:
            connection.request_finished()

    return guarded
