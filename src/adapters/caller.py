"""The caller: PATCH a round, then the tournament's standings, on bestshot's own API; and the
day's planning (`POST` of the scheduler route), which the Lambda's daily schedule asks for.

The same code runs in the Lambda `caller-scores-and-standings` and in the local scheduler, so
it stays light (httpx and tenacity only; no bestshot service, database or AWS SDK) and offers a
blocking form for the Lambda and an async one for the local scheduler's worker.

Network errors, timeouts, 5xx, 409 (a concurrent update of the same tournament) and 429 are
retried with exponential backoff and jitter: both endpoints are idempotent, so a retry never
counts a goal twice. Any other 4xx is never retried (a bad token or an unknown round will not
get better) and neither is a redirect, which is never
followed so that the token cannot be walked to another host. Failures raise `CallRejected` or
`CallUnavailable`, whose messages name the URL (redacted) and the status and never the token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from bestshot_domain.errors import BestshotError
from bestshot_routes.redaction import ordered_secrets, redact_text

__all__ = [
    "TOKEN_HEADER",
    "CallFailed",
    "CallRejected",
    "CallResult",
    "CallSummary",
    "CallUnavailable",
    "CallerConfig",
    "call_planning",
    "call_round_and_standings",
    "call_round_and_standings_async",
]

TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret
USER_AGENT = "bestshot-caller/1"
_RETRYABLE_4XX = frozenset({409, 429})
_EXCERPT = 300  # characters of an error body worth quoting in a message


class CallFailed(BestshotError):
    """A PATCH that did not succeed. `status` is None when no answer came at all."""

    def __init__(self, message: str, *, url: str, status: int | None, attempts: int) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.attempts = attempts


class CallRejected(CallFailed):
    """The API answered with a 4xx or a redirect: retrying would not help."""


class CallUnavailable(CallFailed):
    """Network errors, timeouts or 5xx answers, until the attempts ran out."""


# Frozen dataclasses rather than attrs here: the Lambda zip carries nothing it can do without.


@dataclass(frozen=True, slots=True)
class CallerConfig:
    """How patient the caller is. Updating a round waits on a result provider, hence the read."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    attempts: int = 3  # per PATCH, the first one included
    backoff_initial: float = 1.0  # seconds before the first retry, then doubling, plus jitter
    backoff_max: float = 10.0

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


@dataclass(frozen=True, slots=True)
class CallResult:
    url: str
    status: int
    body: Any  # the JSON answer, or its text when it was not JSON
    attempts: int
    elapsed_ms: int

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "attempts": self.attempts,
            "elapsedMs": self.elapsed_ms,
            "body": self.body,
        }


@dataclass(frozen=True, slots=True)
class CallSummary:
    round: CallResult
    standings: CallResult

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round.to_json(), "standings": self.standings.to_json()}


def call_round_and_standings(
    round_url: str,
    standings_url: str,
    *,
    token: str,
    config: CallerConfig | None = None,
    client: httpx.Client | None = None,
) -> CallSummary:
    """PATCH the round, then the standings; the standings only once the round succeeded.

    `client` lets a long-lived process (a warm Lambda) keep its connections; it must not follow
    redirects. Without one, a client is made for this call and closed after it.
    """
    config = config or CallerConfig()
    if client is None:
        with httpx.Client(timeout=config.timeout(), follow_redirects=False) as own:
            return call_round_and_standings(
                round_url, standings_url, token=token, config=config, client=own
            )
    return CallSummary(
        round=_send(client, "PATCH", round_url, token, config),
        standings=_send(client, "PATCH", standings_url, token, config),
    )


async def call_round_and_standings_async(
    round_url: str,
    standings_url: str,
    *,
    token: str,
    config: CallerConfig | None = None,
    client: httpx.AsyncClient | None = None,
) -> CallSummary:
    """The same as `call_round_and_standings`, for an event loop."""
    config = config or CallerConfig()
    if client is None:
        async with httpx.AsyncClient(timeout=config.timeout(), follow_redirects=False) as own:
            return await call_round_and_standings_async(
                round_url, standings_url, token=token, config=config, client=own
            )
    return CallSummary(
        round=await _patch_async(client, round_url, token, config),
        standings=await _patch_async(client, standings_url, token, config),
    )


def call_planning(
    url: str, *, token: str, config: CallerConfig | None = None, client: httpx.Client | None = None
) -> CallResult:
    """POST the scheduler route (`url`, its `?date=` included): plan a day's schedules. The API
    makes planning idempotent, so it is retried like a PATCH."""
    config = config or CallerConfig()
    if client is None:
        with httpx.Client(timeout=config.timeout(), follow_redirects=False) as own:
            return _send(own, "POST", url, token, config)
    return _send(client, "POST", url, token, config)


class _Transient(Exception):
    """One failed attempt worth another; carries what the final error should say."""

    def __init__(self, reason: str, status: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _headers(token: str) -> dict[str, str]:
    return {TOKEN_HEADER: token, "Accept": "application/json", "User-Agent": USER_AGENT}


def _retrying_policy(config: CallerConfig) -> dict[str, Any]:
    return {
        "stop": stop_after_attempt(max(1, config.attempts)),
        "wait": wait_exponential(multiplier=config.backoff_initial, max=config.backoff_max)
        + wait_random(0, config.backoff_initial),
        "retry": retry_if_exception_type(_Transient),
        "reraise": True,
    }


def _send(
    client: httpx.Client, method: str, url: str, token: str, config: CallerConfig
) -> CallResult:
    attempts = 0
    started = time.perf_counter()

    def once() -> CallResult:
        nonlocal attempts
        attempts += 1
        try:
            response = client.request(
                method, url, headers=_headers(token), timeout=config.timeout()
            )
        except httpx.TransportError as error:
            raise _Transient(_describe(error), None) from None
        return _judge(response, url, token, attempts, started, method=method)

    try:
        return Retrying(**_retrying_policy(config))(once)
    except _Transient as spent:
        raise _unavailable(url, token, spent, attempts, method) from None


async def _patch_async(
    client: httpx.AsyncClient, url: str, token: str, config: CallerConfig
) -> CallResult:
    attempts = 0
    started = time.perf_counter()

    async def once() -> CallResult:
        nonlocal attempts
        attempts += 1
        try:
            response = await client.patch(url, headers=_headers(token), timeout=config.timeout())
        except httpx.TransportError as error:
            raise _Transient(_describe(error), None) from None
        return _judge(response, url, token, attempts, started)

    call: Callable[[], Awaitable[CallResult]] = once
    try:
        return await AsyncRetrying(**_retrying_policy(config))(call)
    except _Transient as spent:
        raise _unavailable(url, token, spent, attempts) from None


def _judge(
    response: httpx.Response,
    url: str,
    token: str,
    attempts: int,
    started: float,
    *,
    method: str = "PATCH",
) -> CallResult:
    status = response.status_code
    # 409: the API was busy with the same tournament (a concurrent update); 429: slow down.
    # Both say "again, later", and both endpoints are idempotent.
    if status >= 500 or status in _RETRYABLE_4XX:
        raise _Transient(f"HTTP {status}{_excerpt(response, token)}", status)
    if not 200 <= status < 300:
        raise CallRejected(
            _redact(f"{method} {url} was refused: HTTP {status}{_excerpt(response, token)}", token),
            url=url,
            status=status,
            attempts=attempts,
        )
    return CallResult(
        url=url,
        status=status,
        body=_body(response),
        attempts=attempts,
        elapsed_ms=round((time.perf_counter() - started) * 1000),
    )


def _unavailable(
    url: str, token: str, spent: _Transient, attempts: int, method: str = "PATCH"
) -> CallUnavailable:
    noun = "attempt" if attempts == 1 else "attempts"
    return CallUnavailable(
        _redact(f"{method} {url} failed after {attempts} {noun}: {spent.reason}", token),
        url=url,
        status=spent.status,
        attempts=attempts,
    )


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text


def _excerpt(response: httpx.Response, token: str) -> str:
    """A short, single-line quote of an error body (a problem+json detail says why)."""
    body = _body(response)
    if body is None:
        return ""
    if isinstance(body, dict):
        text = str(body.get("detail") or body.get("title") or json.dumps(body))
    else:
        text = str(body)
    text = " ".join(_redact(text, token).split())
    return f" ({text[:_EXCERPT]})" if text else ""


def _describe(error: httpx.TransportError) -> str:
    detail = str(error).strip()
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _redact(text: str, token: str) -> str:
    # The API never echoes the token, but a proxy or a misconfigured server might.
    return redact_text(text, ordered_secrets([token], min_length=1))
