"""The HTTP client every provider shares: timeouts, a rate limit, retries within one deadline,
capped bodies, and redirects checked hop by hop. docs/sources.md ("The HTTP foundation") says what
each failure becomes and why redirects are followed here rather than by httpx.

`sleep`, `now` and `limiter` are injectable so tests record the waits and count the requests.
A subpackage (with `body` and `retrying`): the registry's search for provider declarations,
which the settings and every command make, never imports httpx.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from importlib import metadata
from types import TracebackType
from typing import Self

import httpx
from aiolimiter import AsyncLimiter
from tenacity import RetryCallState

from adapters.sources.deadline import Deadline, within
from adapters.sources.http.body import ACCEPT_ENCODING, read_capped
from adapters.sources.http.retrying import Retryable, retrying_within
from adapters.sources.origin import Origin, UrlCheck
from adapters.sources.policy import JSON_ACCEPT, HttpPolicy
from adapters.sources.references import ProviderNotFound
from bestshot_domain.errors import SourceBlocked, SourceTimeout, SourceUnavailable

log = logging.getLogger("bestshot.sources")

Sleep = Callable[[float], Awaitable[None]]
Now = Callable[[], datetime]
Limiter = AbstractAsyncContextManager[None]

# Markers of the bot-protection pages providers answer plain clients with (Cloudflare's
# "Just a moment...", SofaScore's `{"error": {"reason": "challenge"}}`, captcha walls).
_CHALLENGE_MARKERS = ("challenge", "captcha", "just a moment", "cf-chl", "attention required")
_CHALLENGE_STATUSES = frozenset({403, 429, 503})
_CHALLENGE_HEAD = 4096  # the bytes of a failure's body read, to recognise a challenge page
MAX_REDIRECTS = 5


def user_agent() -> str:
    """Who we are, so that a provider's operator can tell our traffic apart and reach us."""
    try:
        version = metadata.version("bestshot")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "0"
    return (
        f"bestshot/{version} (football scores and standings updater; "
        f"python-httpx/{httpx.__version__})"
    )


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def is_challenge(response: httpx.Response, body: bytes) -> bool:
    """Whether a response (`body`: its start) is a bot-protection page rather than the
    provider's answer."""
    if response.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if response.status_code not in _CHALLENGE_STATUSES:
        return False
    head = body[:_CHALLENGE_HEAD].decode("utf-8", "replace").lower()
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def _where(url: str) -> str:
    """The URL's path, for messages: never the query string or the host's credentials."""
    try:
        return httpx.URL(url).path or "/"
    except httpx.InvalidURL:
        return "<invalid URL>"


def _origin_of(url: str) -> str:
    try:
        return str(Origin.of(url))
    except ValueError:
        return "<invalid URL>"


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ProviderClient:
    """GETs from one provider, politely, turning every failure into a domain error."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        policy: HttpPolicy | None = None,
        *,
        accept: str = JSON_ACCEPT,
        headers: Mapping[str, str] | None = None,
        credentials: Mapping[str, str] | None = None,
        allowed: UrlCheck | None = None,
        limiter: Limiter | None = None,
        sleep: Sleep = _sleep,
        now: Now = _utcnow,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_after_headers: tuple[str, ...] = ("Retry-After",),
    ) -> None:
        self.provider = provider
        self.base_url = base_url
        self.policy = policy or HttpPolicy()
        self._headers = {
            "User-Agent": user_agent(),
            "Accept": accept,
            "Accept-Encoding": ACCEPT_ENCODING,
            **(headers or {}),
        }
        self._origin = Origin.of(base_url)
        self._credentials = dict(credentials or {})
        self._allowed: UrlCheck = allowed or self._origin.__contains__
        self._limiter: Limiter = limiter or AsyncLimiter(
            self.policy.rate_limit.requests, self.policy.rate_limit.per_seconds
        )
        self._sleep = sleep
        self._now = now
        self._transport = transport
        self._retry_after_headers = retry_after_headers
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        # Created on first use, inside the running event loop that will also close it.
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=self._headers,
                timeout=httpx.Timeout(
                    self.policy.read_timeout, connect=self.policy.connect_timeout
                ),
                follow_redirects=False,  # followed by `_send`, each hop checked
                transport=self._transport,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def get_bytes(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        """The body of a successful GET of `url` (absolute, or relative to the base URL), within
        one deadline for every attempt and wait (or the one already open around this call)."""
        with within(self.policy.deadline) as deadline:
            try:
                async with asyncio.timeout_at(deadline.when):
                    return await self._retrying(url, params, deadline)
            except TimeoutError:
                raise SourceTimeout(
                    self.provider, f"no answer for {_where(url)} within {deadline}"
                ) from None

    async def _retrying(
        self, url: str, params: Mapping[str, str] | None, deadline: Deadline
    ) -> bytes:
        policy = self.policy
        retrying = retrying_within(
            policy, deadline, sleep=self._sleep, before_sleep=self._log_retry
        )
        made = 0
        try:
            async for attempt in retrying:
                made += 1
                with attempt:
                    return await self._attempt(url, params)
        except Retryable as error:
            if made == policy.attempts:
                why = f"gave up after {made} attempts"
            elif error.retry_after is not None:
                why = f"asks to retry after {error.retry_after:.0f} s, past {deadline}"
            else:
                why = f"gave up after {made} attempts: the next would pass {deadline}"
            raise SourceUnavailable(self.provider, f"{error.reason}; {why}") from error
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    def _log_retry(self, retry_state: RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
        log.warning(
            "%s: %s; retrying in %.1f s (attempt %d of %d)",
            self.provider,
            error,
            wait,
            retry_state.attempt_number,
            self.policy.attempts,
        )

    async def _attempt(self, url: str, params: Mapping[str, str] | None) -> bytes:
        where = _where(url)
        async with self._limiter:
            try:
                response = await self._send(url, params, where)
                try:
                    body = await self._read(response, where)
                finally:
                    await response.aclose()
            except httpx.TimeoutException as error:
                raise Retryable(f"timed out fetching {where} ({type(error).__name__})") from error
            except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
                raise Retryable(
                    f"network error fetching {where} ({type(error).__name__})"
                ) from error
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise SourceUnavailable(
                    self.provider, f"cannot fetch {where} ({type(error).__name__})"
                ) from error
        return self._check(response, body, where)

    async def _read(self, response: httpx.Response, where: str) -> bytes:
        """The whole body of a success, capped; of anything else, only its head."""
        success = 200 <= response.status_code < 300
        cap = self.policy.max_body_bytes if success else _CHALLENGE_HEAD
        return await read_capped(
            response, cap, provider=self.provider, where=where, head=not success
        )

    async def _send(self, url: str, params: Mapping[str, str] | None, where: str) -> httpx.Response:
        """GET `url`, following redirects only to URLs this client may fetch."""
        http = self._http()
        request = http.build_request("GET", url, params=params)
        for _ in range(MAX_REDIRECTS + 1):
            address = str(request.url)  # httpx's own writing: the host in ASCII, lower case
            if not self._allowed(address):
                raise SourceUnavailable(
                    self.provider,
                    f"{where} leads to {_origin_of(address)}, which this source may not fetch; "
                    "not followed",
                )
            if address in self._origin:
                request.headers.update(self._credentials)
            response = await http.send(request, stream=True)  # read by `_read`, capped
            if not response.is_redirect:
                return response
            await response.aclose()
            # `is_redirect` means a Location header; `join` resolves a relative one.
            target = response.url.join(response.headers["Location"])
            request = http.build_request("GET", target)
        raise SourceUnavailable(self.provider, f"more than {MAX_REDIRECTS} redirects for {where}")

    def _retry_after(self, response: httpx.Response) -> float | None:
        for name in self._retry_after_headers:
            seconds = parse_retry_after(response.headers.get(name), self._now())
            if seconds is not None:
                return seconds
        return None

    def _check(self, response: httpx.Response, body: bytes, where: str) -> bytes:
        status = response.status_code
        if is_challenge(response, body):
            raise SourceBlocked(
                self.provider,
                f"HTTP {status} challenge page for {where}: the provider blocks automated clients",
            )
        if 200 <= status < 300:
            return body
        if status == 401:
            raise SourceBlocked(
                self.provider, f"HTTP 401 for {where}: missing or rejected credentials"
            )
        if status == 403:
            raise SourceBlocked(self.provider, f"HTTP 403 Forbidden for {where}")
        if status == 429 or status >= 500:
            retry_after = self._retry_after(response)
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                raise SourceUnavailable(
                    self.provider,
                    f"HTTP {status} for {where}: asks to retry after {retry_after:.0f} s",
                )
            raise Retryable(f"HTTP {status} for {where}", retry_after)
        if status == 404:
            raise ProviderNotFound(self.provider, f"HTTP 404 Not Found for {where}")
        raise SourceUnavailable(
            self.provider, f"HTTP {status} {response.reason_phrase} for {where}".strip()
        )
