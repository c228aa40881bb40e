"""The dispatcher: reads the outbox for each subscription it claims and delivers, in order.

At least once: the cursor moves only after the receiver's 2xx, so a dispatcher killed
mid-delivery leaves the event to the next one (same `webhook-id`). A failure waits with
exponential backoff and jitter; after `retry_window` of failures the subscription is marked
failing (a `webhook.failing` log line, an error for Sentry). A 410 disables it. Each delivery
has a total deadline and a cap on the answer it reads; redirects are not followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from attrs import evolve, field, frozen

from adapters.metrics.port import NO_METRICS, DeliveryOutcome, Metrics
from adapters.webhooks.guard import UrlPolicy, check_url
from adapters.webhooks.signing import signed_headers
from bestshot_domain.errors import InvalidInput, StorageBusy
from bestshot_domain.events import Event
from bestshot_domain.subscriptions import Subscription, WebhookStore
from bestshot_domain.validators import positive

logger = logging.getLogger("bestshot.webhooks")


@frozen
class DispatcherConfig:
    batch_size: int = field(default=10, validator=positive)  # subscriptions per claim
    events_per_claim: int = field(default=100, validator=positive)
    lease: timedelta = timedelta(minutes=1)
    deadline_seconds: float = field(default=10.0, validator=positive)  # per delivery, in all
    max_response_bytes: int = field(default=64 * 1024, validator=positive)
    backoff_initial: timedelta = timedelta(seconds=5)
    backoff_max: timedelta = timedelta(hours=1)
    retry_window: timedelta = timedelta(hours=24)
    poll_seconds: float = field(default=1.0, validator=positive)
    url_policy: UrlPolicy = field(factory=UrlPolicy)


class _Failed(Exception):
    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def backoff(attempts: int, config: DispatcherConfig, rng: random.Random) -> timedelta:
    """Full jitter over an exponential bound: a crowd of failing receivers spreads out."""
    bound: timedelta = min(config.backoff_initial * 2 ** min(attempts, 30), config.backoff_max)
    return bound * rng.uniform(0.5, 1.0)


class WebhookDispatcher:
    def __init__(
        self,
        store: WebhookStore,
        render: Callable[[Event], bytes],
        *,
        config: DispatcherConfig | None = None,
        client: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._render = render
        self._config = config or DispatcherConfig()
        self._client = client or httpx.AsyncClient(follow_redirects=False)
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy

    async def aclose(self) -> None:
        await self._client.aclose()

    async def run_once(self) -> int:
        """Claim due subscriptions and deliver what they wait for; how many events arrived."""
        delivered = 0
        for subscription in await self._store.claim(self._config.batch_size, self._config.lease):
            delivered += await self._serve(subscription)
        return delivered

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except StorageBusy as error:
                # A burst holds every connection: the next poll tries again (a warning: not a
                # fault to report; Sentry takes errors as events).
                logger.warning("webhooks: polling deferred, the pool is busy: %s", error)
                busy = 0
            except Exception as error:
                logger.error("webhooks: polling failed: %s", type(error).__name__)
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._config.poll_seconds)

    async def _serve(self, subscription: Subscription) -> int:
        events, looked_at = await self._store.pending(subscription, self._config.events_per_claim)
        delivered = 0
        for event in events:
            attempt = subscription.attempts + 1
            started = time.perf_counter()
            try:
                status = await self._deliver(subscription, event)
            except _Failed as failure:
                await self._record(
                    subscription, event, attempt, started, status=failure.status, error=failure
                )
                if failure.status == 410:
                    await self._store.disable(subscription)
                    logger.warning(
                        "webhook.disabled %s: the receiver answered 410", subscription.id
                    )
                else:
                    await self._retry_later(subscription)
                return delivered
            await self._record(subscription, event, attempt, started, status=status, error=None)
            if not await self._store.advance(subscription, event.id):
                return delivered  # the lease ran out and another dispatcher took over
            subscription = _after(subscription, event.id)
            delivered += 1
        if looked_at > subscription.cursor:  # the rest were not wanted: pass over them
            await self._store.advance(subscription, looked_at)
        await self._store.release(subscription)
        return delivered

    async def _deliver(self, subscription: Subscription, event: Event) -> int:
        """The receiver's 2xx status, or _Failed."""
        config = self._config
        try:
            await check_url(subscription.url, config.url_policy)
        except InvalidInput as error:
            raise _Failed(None, str(error)) from None
        body = self._render(event)
        headers = signed_headers(subscription.secret, event.id, datetime.now(UTC), body)
        try:
            async with asyncio.timeout(config.deadline_seconds):
                request = self._client.build_request(
                    "POST", subscription.url, content=body, headers=headers
                )
                response = await self._client.send(request, stream=True)
                try:
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read > config.max_response_bytes:
                            break  # the answer's body says nothing we need: stop reading
                finally:
                    await response.aclose()
        except TimeoutError:
            raise _Failed(None, f"no answer within {config.deadline_seconds:g} s") from None
        except httpx.HTTPError as error:
            raise _Failed(None, type(error).__name__) from None
        if not 200 <= response.status_code < 300:
            raise _Failed(response.status_code, f"HTTP {response.status_code}")
        return response.status_code

    async def _record(
        self,
        subscription: Subscription,
        event: Event,
        attempt: int,
        started: float,
        *,
        status: int | None,
        error: Exception | None,
    ) -> None:
        seconds = time.perf_counter() - started
        await self._store.record(
            subscription,
            event_id=event.id,
            attempt=attempt,
            status=status,
            latency_ms=round(seconds * 1000),
            error=None if error is None else str(error)[:500],
        )
        if error is None:
            outcome = DeliveryOutcome.DELIVERED
        else:
            outcome = DeliveryOutcome.DISABLED if status == 410 else DeliveryOutcome.FAILED
        self._metrics.webhook_delivered(outcome, seconds)

    async def _retry_later(self, subscription: Subscription) -> None:
        now = datetime.now(UTC)
        since = subscription.failing_since or now
        failing = now - since >= self._config.retry_window
        at = now + backoff(subscription.attempts, self._config, self._rng)
        await self._store.retry_later(subscription, at, since, failing)
        if failing:
            logger.error(
                "webhook.failing %s: deliveries failed for %s; no longer delivered until replayed",
                subscription.id,
                now - since,
            )


def _after(subscription: Subscription, cursor: int) -> Subscription:
    return evolve(subscription, cursor=cursor, attempts=0, failing_since=None)
