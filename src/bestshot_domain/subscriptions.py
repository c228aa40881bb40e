"""Webhook subscriptions: who is told which events (`bestshot_domain.events`), and the log of
each delivery. The store is the `WebhookStore` port; the dispatcher is `adapters.webhooks`."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

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
