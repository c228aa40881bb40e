"""The caller: PATCH a round, then the tournament's standings, on bestshot's own API; and the
day's planning (`POST` of the scheduler route), which the Lambda's daily schedule asks for.

The same rules run in the Lambda `caller-scores-and-standings` and in the local scheduler: the
blocking form here, on the standard library's client (`adapters.stdlib_http`, so that the
Lambda's cold start loads no HTTP library), and the async form for the local scheduler's worker
in `adapters.caller_async` (httpx).

Network errors, timeouts, 5xx, 409 (a concurrent update of the same tournament) and 429 are
retried with exponential backoff and jitter: both endpoints are idempotent, so a retry never
counts a goal twice. An answer with `Retry-After` (the API's 503 when every database connection
is busy, a 429) is retried no sooner than it asks, and uses none of the attempts up: every call
has a deadline (`CallerConfig`), and no attempt runs and no wait ends past it. Any other 4xx is
never retried (a bad token or an unknown round will not get better) and neither is a redirect,
which is never followed so that the token cannot be walked to another host. Failures raise
`CallRejected` or `CallUnavailable`, whose messages name the URL (redacted) and the status and
never the token.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple, Protocol

from adapters.stdlib_http import AnswerTooLarge, HttpFailed, Reply, StdlibClient
from bestshot_domain.errors import BestshotError
from bestshot_routes.redaction import ordered_secrets, redact_text

__all__ = [
    "MAX_ANSWER_BYTES",
    "TOKEN_HEADER",
    "CallFailed",
    "CallRejected",
    "CallResult",
    "CallSummary",
    "CallUnavailable",
    "CallerConfig",
    "Transport",
    "call_planning",
    "call_round_and_standings",
    "retry_after_seconds",
]

TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name, not a secret
USER_AGENT = "bestshot-caller/1"
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # every table of a large tournament fits many times over
_RETRYABLE_4XX = frozenset({409, 429})
_EXCERPT = 300  # characters of an error body worth quoting in a message
_sleep = time.sleep  # tests read the waits here


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
    """Network errors, timeouts or 5xx answers, until the attempts or the deadline ran out."""


# Named tuples rather than attrs or dataclasses: the Lambda's cold start imports neither.


class CallerConfig(NamedTuple):
    """How patient the caller is. Updating a round waits on a result provider, hence the read.

    `deadline`: seconds for one call in all (both PATCHes of a round, or the planning POST),
    every attempt and wait included; None: as long as the attempts may take at their longest
    (`budget`), which bounds the waits a `Retry-After` asks for.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0  # the whole answer of one attempt, after connecting
    # Per request, the first one included; answers with Retry-After (a busy API) use none up.
    attempts: int = 3
    backoff_initial: float = 1.0  # seconds before the first retry, then doubling, plus jitter
    backoff_max: float = 10.0
    deadline: float | None = None

    def budget(self, requests: int = 1) -> float:
        """The longest `requests` requests may take with every attempt at its longest."""
        waits = sum(2 * self._backoff(attempt) for attempt in range(1, self.attempts))
        tries = self.attempts * (self.connect_timeout + self.read_timeout)
        return requests * (tries + waits)

    def ends_at(self, requests: int) -> float:
        """The monotonic time a call of `requests` requests must be over by."""
        seconds = self.budget(requests) if self.deadline is None else self.deadline
        return time.monotonic() + seconds

    def _backoff(self, attempts: int) -> float:
        return float(min(self.backoff_max, self.backoff_initial * 2 ** (attempts - 1)))

    def wait_after(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before attempt `attempts + 1`: the backoff, or what `Retry-After` asked when
        longer, plus jitter (so that callers turned away together do not return together)."""
        floor = max(self._backoff(attempts), retry_after or 0.0)
        spread = max(self.backoff_initial, min(retry_after or 0.0, self.backoff_max))
        return floor + random.uniform(0, spread)  # noqa: S311 - jitter, not a secret


class CallResult(NamedTuple):
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


class CallSummary(NamedTuple):
    round: CallResult
    standings: CallResult

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round.to_json(), "standings": self.standings.to_json()}


class Transport(Protocol):
    """What the blocking caller needs of a client (`StdlibClient`, or a test's wrapper)."""

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> Reply: ...


def call_round_and_standings(
    round_url: str,
    standings_url: str,
    *,
    token: str,
    config: CallerConfig | None = None,
    client: Transport | None = None,
) -> CallSummary:
    """PATCH the round, then the standings; the standings only once the round succeeded.

    `client` lets a long-lived process (a warm Lambda) keep its connections. Without one, a
    client is made for this call and closed after it.
    """
    config = config or CallerConfig()
    if client is None:
        with StdlibClient() as own:
            return call_round_and_standings(
                round_url, standings_url, token=token, config=config, client=own
            )
    ends_at = config.ends_at(2)
    return CallSummary(
        round=send(client, "PATCH", round_url, token, config, ends_at=ends_at),
        standings=send(client, "PATCH", standings_url, token, config, ends_at=ends_at),
    )


def call_planning(
    url: str, *, token: str, config: CallerConfig | None = None, client: Transport | None = None
) -> CallResult:
    """POST the scheduler route (`url`, its `?date=` included): plan a day's schedules. The API
    makes planning idempotent, so it is retried like a PATCH."""
    config = config or CallerConfig()
    if client is None:
        with StdlibClient() as own:
            return send(own, "POST", url, token, config, ends_at=config.ends_at(1))
    return send(client, "POST", url, token, config, ends_at=config.ends_at(1))


class Transient(Exception):
    """One failed attempt worth another; carries what the final error should say."""

    def __init__(self, reason: str, status: int | None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def headers(token: str) -> dict[str, str]:
    return {TOKEN_HEADER: token, "Accept": "application/json", "User-Agent": USER_AGENT}


def send(
    client: Transport,
    method: str,
    url: str,
    token: str,
    config: CallerConfig,
    *,
    ends_at: float,
) -> CallResult:
    """One request with its retries, over before `ends_at` (monotonic)."""
    attempts = blind = 0
    started = time.perf_counter()
    while True:
        left = ends_at - time.monotonic()
        if left <= 0:
            spent = Transient("the call's deadline passed", None)
            raise unavailable(url, token, spent, attempts, method)
        attempts += 1
        try:
            reply = client.request(
                method,
                url,
                headers=headers(token),
                timeout=min(left, config.connect_timeout + config.read_timeout),
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                max_bytes=MAX_ANSWER_BYTES,
            )
        except AnswerTooLarge as error:  # it would be as large again
            spent = Transient(str(error), error.status)
            raise unavailable(url, token, spent, attempts, method) from None
        except HttpFailed as error:
            outcome: CallResult | Transient = Transient(str(error), None)
        else:
            outcome = judge(reply, url, token, attempts, started, method=method)
        if isinstance(outcome, CallResult):
            return outcome
        blind += outcome.retry_after is None
        wait = next_wait(config, outcome, attempts, ends_at, blind=blind)
        if wait is None:
            raise unavailable(url, token, outcome, attempts, method)
        _sleep(wait)


def next_wait(
    config: CallerConfig, failure: Transient, attempts: int, ends_at: float, *, blind: int
) -> float | None:
    """Seconds before the next attempt; None when there is none: `config.attempts` failures
    that said nothing of when to come back (`blind`, this one included), or a next attempt
    after the deadline (which the reason then says). An answer with `Retry-After` (a busy API)
    uses no attempt up: only the deadline bounds those, and the backoff, growing with every
    attempt made, spaces them."""
    if blind >= max(1, config.attempts):
        return None
    wait = config.wait_after(attempts, failure.retry_after)
    if time.monotonic() + wait >= ends_at:
        asked = (
            f"Retry-After asked {failure.retry_after:g} s"
            if failure.retry_after
            else f"the next attempt was due in {wait:.1f} s"
        )
        failure.reason += f"; {asked}, past the call's deadline"
        return None
    return wait


def judge(
    reply: Reply,
    url: str,
    token: str,
    attempts: int,
    started: float,
    *,
    method: str = "PATCH",
) -> CallResult | Transient:
    """The answer's verdict: a result, an attempt worth another, or CallRejected (raised)."""
    status = reply.status
    # 409: the API was busy with the same tournament (a concurrent update); 429: slow down;
    # 503: busy or down, with Retry-After saying when to come back. Both endpoints are
    # idempotent.
    if status >= 500 or status in _RETRYABLE_4XX:
        retry_after = retry_after_seconds(reply.header("Retry-After"))
        return Transient(f"HTTP {status}{_excerpt(reply, token)}", status, retry_after)
    if not 200 <= status < 300:
        raise CallRejected(
            _redact(f"{method} {url} was refused: HTTP {status}{_excerpt(reply, token)}", token),
            url=url,
            status=status,
            attempts=attempts,
        )
    return CallResult(
        url=url,
        status=status,
        body=_body(reply),
        attempts=attempts,
        elapsed_ms=round((time.perf_counter() - started) * 1000),
    )


def retry_after_seconds(value: str | None) -> float | None:
    """A `Retry-After` header's wait in seconds (delta-seconds or an HTTP date); None when it is
    absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def unavailable(
    url: str, token: str, spent: Transient, attempts: int, method: str = "PATCH"
) -> CallUnavailable:
    noun = "attempt" if attempts == 1 else "attempts"
    return CallUnavailable(
        _redact(f"{method} {url} failed after {attempts} {noun}: {spent.reason}", token),
        url=url,
        status=spent.status,
        attempts=attempts,
    )


def _body(reply: Reply) -> Any:
    if not reply.content:
        return None
    text = reply.content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _excerpt(reply: Reply, token: str) -> str:
    """A short, single-line quote of an error body (a problem+json detail says why)."""
    body = _body(reply)
    if body is None:
        return ""
    if isinstance(body, dict):
        text = str(body.get("detail") or body.get("title") or json.dumps(body))
    else:
        text = str(body)
    text = " ".join(_redact(text, token).split())
    return f" ({text[:_EXCERPT]})" if text else ""


def _redact(text: str, token: str) -> str:
    # The API never echoes the token, but a proxy or a misconfigured server might.
    return redact_text(text, ordered_secrets([token], min_length=1))
