"""Reads of what runs the service: schedules (through the Scheduler port, or the local
scheduler's records with their state) and webhook subscriptions with their failing deliveries.

Nothing here carries a secret: a subscription's signing secret is left behind, its URL loses
its user-info and query, and error texts are redacted (`bestshot_routes.redaction`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from attrs import frozen

from adapters.local_scheduler import LocalSchedule, LocalScheduler
from bestshot_domain.follow_ups import is_follow_up
from bestshot_domain.ports import PlannedSchedule, Scheduler
from bestshot_domain.subscriptions import (
    Delivery,
    Subscription,
    SubscriptionState,
    WebhookStore,
)
from bestshot_routes.redaction import ordered_secrets, redact_text, redact_url

DELIVERIES_SHOWN = 10  # of each subscription that is failing or retrying


@frozen
class ScheduleLine:
    name: str
    fire_at: datetime
    tournament: str
    round: str
    # What the local scheduler keeps; None where the scheduler says only what is pending.
    state: str | None = None
    attempts: int | None = None
    fired_at: datetime | None = None
    last_error: str | None = None

    @property
    def follow_up(self) -> bool:
        return is_follow_up(self.name)

    @property
    def failed(self) -> bool:
        return self.state == "failed"


ScheduleReader = Callable[[], Awaitable[Sequence[ScheduleLine]]]
"""Every schedule the configured scheduler shows, by firing time then name."""


def _planned(schedule: PlannedSchedule) -> ScheduleLine:
    return ScheduleLine(
        schedule.name, schedule.fire_at, schedule.tournament_id, schedule.round_slug
    )


def _local(record: LocalSchedule, secrets: Sequence[str]) -> ScheduleLine:
    schedule = record.schedule
    return ScheduleLine(
        schedule.name,
        schedule.fire_at,
        schedule.tournament_id,
        schedule.round_slug,
        state=record.state.value,
        attempts=record.attempts,
        fired_at=record.fired_at,
        last_error=None if record.last_error is None else redact_text(record.last_error, secrets),
    )


def planned_schedules(scheduler: Scheduler) -> ScheduleReader:
    """Any scheduler, through its port: the pending schedules."""

    async def read() -> Sequence[ScheduleLine]:
        return [_planned(schedule) for schedule in await scheduler.list()]

    return read


def local_schedules(local: LocalScheduler, secrets: Iterable[str] = ()) -> ScheduleReader:
    """The local scheduler's records: fired and failed ones too, with attempts and errors
    (each of `secrets` taken out of them)."""
    ordered = ordered_secrets(secrets)

    async def read() -> Sequence[ScheduleLine]:
        return [_local(record, ordered) for record in await local.records()]

    return read


def shown_url(url: str) -> str:
    """A webhook URL as the console shows it: scheme, host, port and path only (its user-info
    and query may hold the receiver's credentials)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # stored URLs were checked; should one not read, show less of it
        return redact_url(url).partition("?")[0]
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@frozen
class DeliveryLine:
    event_id: int
    attempt: int
    status: int | None
    latency_ms: int
    error: str | None
    delivered_at: datetime


@frozen
class SubscriptionLine:
    id: uuid.UUID
    url: str  # shown_url: no credentials
    event_types: tuple[str, ...]
    tournament: str | None
    state: str
    cursor: int
    attempts: int
    failing_since: datetime | None
    deliveries: tuple[DeliveryLine, ...]  # the latest failed ones, newest first

    @property
    def troubled(self) -> bool:
        return self.state != "active" or self.attempts > 0


def _delivery(delivery: Delivery, secrets: Sequence[str]) -> DeliveryLine:
    return DeliveryLine(
        delivery.event_id,
        delivery.attempt,
        delivery.status,
        delivery.latency_ms,
        None if delivery.error is None else redact_text(delivery.error, secrets),
        delivery.delivered_at,
    )


class WebhookReads:
    """The subscriptions, and the latest failed deliveries of those failing or retrying."""

    def __init__(self, store: WebhookStore, secrets: Iterable[str] = ()) -> None:
        self._store = store
        self._secrets = ordered_secrets(secrets)

    async def subscriptions(self) -> tuple[SubscriptionLine, ...]:
        return tuple([await self._line(s) for s in await self._store.list()])

    async def _line(self, subscription: Subscription) -> SubscriptionLine:
        troubled = subscription.state != SubscriptionState.ACTIVE or subscription.attempts > 0
        deliveries = (
            await self._store.deliveries(subscription.id, DELIVERIES_SHOWN) if troubled else ()
        )
        return SubscriptionLine(
            subscription.id,
            shown_url(subscription.url),
            tuple(str(kind) for kind in subscription.event_types),
            subscription.tournament_id,
            str(subscription.state),
            subscription.cursor,
            subscription.attempts,
            subscription.failing_since,
            tuple(_delivery(d, self._secrets) for d in deliveries if _failed(d)),
        )


def _failed(delivery: Delivery) -> bool:
    return delivery.status is None or not 200 <= delivery.status < 300
