"""Pure ASGI middleware: a request id, one JSON log line and a Retry-After on any 503 per
request; a body size limit and a body deadline."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.api.problems import ApiProblem, problem_response
from entrypoints.logs import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept when it is short and plain (so it can join logs across services);
# anything else is replaced, so a log line never carries what a client chose to inject.
_ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_logger = logging.getLogger("bestshot.access")

# A 503 is a "come back later" that callers wait on (README, "Bursts, workers and pool sizes");
# one that a route or a library sent without saying when is given the outage's wait.
DEFAULT_RETRY_AFTER = "5"


class RequestContextMiddleware:
    """Gives each request an id (returned as `X-Request-ID`) and logs it once it is answered;
    sees that every 503 carries a `Retry-After`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Request(scope).headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                if status == 503 and "retry-after" not in headers:
                    headers["Retry-After"] = DEFAULT_RETRY_AFTER
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answered here rather than by Starlette's outer ServerErrorMiddleware so that the
            # 500 carries the request id; re-raised so the server and Sentry still see it.
            if not started_response:
                problem = ApiProblem(500, "an unexpected error occurred", kind="internal")
                await problem_response(problem, Request(scope))(scope, receive, send_with_id)
            raise
        finally:
            access_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                },
            )
            request_id_var.reset(token)


class BodySizeLimitMiddleware:
    """Refuses bodies larger than `max_bytes` with 413, by header or while they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> ApiProblem:
        return ApiProblem(
            413,
            f"the request body is larger than {self.max_bytes} bytes",
            kind="body-too-large",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Request(scope).headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            problem = (
                self._too_large()
                if declared.isdigit()
                else ApiProblem(400, "the Content-Length header is not a number")
            )
            await problem_response(problem, Request(scope))(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the route, so Starlette's handlers answer it as a problem.
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send)


class BodyDeadlineMiddleware:
    """Answers 408, and closes the connection, when a request's body has not all arrived
    `seconds` after its head: a client trickling it would otherwise hold the connection (and
    the route) for as long as it likes."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        complete = False

        async def timed_receive() -> Message:
            nonlocal complete
            if complete:  # what is left to receive is the disconnection: not timed
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                # Raised inside the route, so Starlette's handlers answer it as a problem; the
                # rest of the body is never read, so the connection cannot serve another request.
                raise ApiProblem(
                    408,
                    f"the request body did not arrive within {self.seconds:g} s",
                    kind="body-timeout",
                    headers={"Connection": "close"},
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, timed_receive, send)
