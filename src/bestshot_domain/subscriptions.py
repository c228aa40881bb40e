"""Webhook subscriptions: who is told which events (`bestshot_domain.events`), the log of each
delivery, and `WebhookStore`, the port that keeps them; the dispatcher is `adapters.webhooks`."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from attrs import frozen

from bestshot_domain.events import Event, EventType
from bestshot_domain.model import TournamentId


class SubscriptionState(enum.StrEnum):
    ACTIVE = "active"
    FAILING = "failing"  # retried for the whole retry window: no longer delivered
    DISABLED = "disabled"  # the receiver answered 410 Gone


@frozen
class Subscription:
    id: uuid.UUID
    url: str
    event_types: tuple[EventType, ...]
    tournament_id: TournamentId | None
    secret: str  # signs the deliveries: shown once, at creation
    state: SubscriptionState
    cursor: int  # the last event id delivered (or passed over as not wanted)
    attempts: int  # failed attempts of the event after the cursor
    failing_since: datetime | None
    claim: uuid.UUID | None = None  # the dispatcher's lease, when one holds it

    def wants(self, event: Event) -> bool:
        return event.type in self.event_types and self.tournament_id in (
            None,
            event.tournament_id,
        )


@frozen
class Delivery:
    """One attempt to deliver one event: its HTTP status (None: no answer) and how long."""

    event_id: int
    attempt: int
    status: int | None
    latency_ms: int
    error: str | None
    delivered_at: datetime


class WebhookStore(Protocol):
    """Webhook subscriptions (`bestshot_domain.subscriptions`), their delivery log, and the
    dispatchers' claims on them. A subscription's id unknown: NotFound."""

    async def create(
        self,
        url: str,
        event_types: Sequence[EventType],
        tournament_id: TournamentId | None,
        secret: str,
    ) -> Subscription:
        """A new active subscription, starting after the last event now in the outbox."""
        ...

    async def list(self) -> Sequence[Subscription]:
        """Every subscription, oldest first."""
        ...

    async def get(self, subscription_id: uuid.UUID) -> Subscription: ...

    async def delete(self, subscription_id: uuid.UUID) -> None:
        """The subscription and its delivery log are gone."""
        ...

    async def replay(self, subscription_id: uuid.UUID, after: int) -> None:
        """Deliver again every wanted event after `after`, and make it active, due now."""
        ...

    async def deliveries(self, subscription_id: uuid.UUID, limit: int = 100) -> Sequence[Delivery]:
        """The latest deliveries, newest first."""
        ...

    # The dispatcher's side: a claim is a lease; every write below names the claim and does
    # nothing (False) once another dispatcher holds it.

    async def claim(self, limit: int, lease: timedelta) -> Sequence[Subscription]:
        """Active, due, unleased subscriptions with events after their cursor, now leased."""
        ...

    async def pending(self, subscription: Subscription, limit: int) -> tuple[Sequence[Event], int]:
        """The wanted events among the next `limit` after the cursor, and the last id looked
        at: where the cursor may move when none of them is wanted."""
        ...

    async def record(
        self,
        subscription: Subscription,
        *,
        event_id: int,
        attempt: int,
        status: int | None,
        latency_ms: int,
        error: str | None,
    ) -> None: ...

    async def advance(self, subscription: Subscription, cursor: int) -> bool:
        """Delivered up to `cursor`: attempts reset, the lease kept."""
        ...

    async def retry_later(
        self, subscription: Subscription, at: datetime, failing_since: datetime, failing: bool
    ) -> bool:
        """One more failed attempt: due again at `at` (failing: no longer claimed); released."""
        ...

    async def disable(self, subscription: Subscription) -> bool: ...

    async def release(self, subscription: Subscription) -> None: ...
