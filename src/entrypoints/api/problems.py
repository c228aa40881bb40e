"""Every error the API answers is an RFC 9457 problem (`application/problem+json`).

Routes raise `ApiProblem` (or a domain error, which is mapped here); Starlette's own 404 and 405
arrive as `HTTPException` and are turned into problems too, keeping the `Allow` header. Every body
is a `Problem` model, the one the OpenAPI document describes. A problem never carries a
credential: details are written here or by the domain, never copied from a header.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from bestshot_domain.errors import (
    BestshotError,
    Conflict,
    InvalidInput,
    NotFound,
    SourceBlocked,
    SourceError,
    SourceFormatError,
    SourceTimeout,
    SourceTooLarge,
    SourceUnavailable,
    StorageBusy,
    StorageUnavailable,
)
from entrypoints.api.schemas.problems import FieldError, Problem
from entrypoints.logs import request_id_var

PROBLEM_JSON = "application/problem+json"
_TYPE_PREFIX = "urn:bestshot:problem:"

logger = logging.getLogger("bestshot.api")


class ApiProblem(Exception):
    """An error answer: `status`, a short `title`, a `detail` for this occurrence."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or http.HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        self.errors = list(errors)


def problem_body(problem: ApiProblem, request: Request | None = None) -> Problem:
    """The body of every error answer: built here only, so it is what the document describes."""
    return Problem(
        type=f"{_TYPE_PREFIX}{problem.kind}" if problem.kind else "about:blank",
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
        instance=None if request is None else request.url.path,
        request_id=request_id_var.get(),
        errors=problem.errors or None,
    )


def problem_response(problem: ApiProblem, request: Request | None = None) -> Response:
    headers = {"Cache-Control": "no-store", **problem.headers}
    return Response(
        # A member a problem does not have is left out rather than sent as null.
        problem_body(problem, request).model_dump_json(by_alias=True, exclude_none=True),
        status_code=problem.status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


# Most specific first: the first class the error is an instance of decides.
_DOMAIN_PROBLEMS: tuple[tuple[type[BestshotError], int, str, str | None], ...] = (
    (NotFound, 404, "not-found", None),
    (InvalidInput, 422, "invalid-input", None),
    (Conflict, 409, "conflict", None),
    (SourceBlocked, 502, "source-blocked", "Provider refused us"),
    (SourceFormatError, 502, "source-format", "Provider sent an unreadable answer"),
    (SourceTimeout, 504, "source-timeout", "Provider did not answer in time"),
    (SourceTooLarge, 502, "source-too-large", "Provider sent too large an answer"),
    (SourceUnavailable, 502, "source-unavailable", "Provider is unavailable"),
    (SourceError, 502, "source-unavailable", "Provider is unavailable"),
)


def _domain_problem(error: BestshotError) -> ApiProblem:
    if isinstance(error, StorageBusy):
        # A burst took every connection: the same request a second later likely gets one.
        return ApiProblem(
            503,
            "every database connection is in use; try again in a second",
            kind="storage-busy",
            title="Busy",
            headers={"Retry-After": "1"},
        )
    if isinstance(error, StorageUnavailable):
        # The driver's words may name hosts or users: say only what the client can act on.
        return ApiProblem(
            503,
            "a service bestshot depends on (the database, the scheduler) is unavailable; "
            "try again shortly",
            kind="storage-unavailable",
            headers={"Retry-After": "5"},
        )
    for kind, status, slug, title in _DOMAIN_PROBLEMS:
        if isinstance(error, kind):
            return ApiProblem(status, str(error), kind=slug, title=title)
    return ApiProblem(500, "an unexpected error occurred", kind="internal")


def _http_problem(request: Request, exc: HTTPException) -> ApiProblem:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 404:
        detail = f"there is nothing at {request.url.path}"
    elif status == 405:
        # Starlette lists the methods from a set, in an order that changes between processes.
        methods = (method.strip() for method in headers.get("Allow", "").split(","))
        headers["Allow"] = allowed = ", ".join(sorted(filter(None, methods)))
        detail = f"{request.method} is not allowed here; use {allowed}"
    else:
        detail = exc.detail
    return ApiProblem(status, detail, headers=headers)


async def handle_exception(request: Request, exc: Exception) -> Response:
    """Every exception the routes let out, as a problem."""
    if isinstance(exc, ApiProblem):
        problem = exc
    elif isinstance(exc, HTTPException):
        problem = _http_problem(request, exc)
    elif isinstance(exc, BestshotError):
        problem = _domain_problem(exc)
        logger.warning(
            "request failed",
            extra={"status": problem.status, "error": type(exc).__name__},
        )
    else:
        # Starlette's ServerErrorMiddleware re-raises after this answer, so the server log and
        # Sentry see the exception; the client learns nothing of it.
        problem = ApiProblem(500, "an unexpected error occurred", kind="internal")
    return problem_response(problem, request)


EXCEPTION_HANDLERS: Mapping[Any, ExceptionHandler] = {
    ApiProblem: handle_exception,
    HTTPException: handle_exception,
    BestshotError: handle_exception,
    Exception: handle_exception,
}
