"""The WebhookStore port in memory: subscriptions, leases and the delivery log in dicts; the
events read through the outbox of the unit of work factory it is given."""

from __future__ import annotations

import asyncio
import builtins
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from attrs import define, evolve

from bestshot_domain.errors import NotFound
from bestshot_domain.events import Event, EventType
from bestshot_domain.model import TournamentId
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.subscriptions import Delivery, Subscription, SubscriptionState


@define
class _Row:
    subscription: Subscription  # its claim is the lease's, when leased
    next_attempt_at: datetime
    lease_until: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryWebhookStore:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory
        self._rows: dict[uuid.UUID, _Row] = {}  # in creation order
        self._deliveries: dict[uuid.UUID, builtins.list[Delivery]] = {}

    async def _events_after(self, cursor: int, limit: int) -> Sequence[Event]:
        async with self._uow_factory() as uow:
            return await uow.outbox.after(cursor, limit=limit)

    async def _last_event_id(self) -> int:
        last = 0
        while found := await self._events_after(last, 1000):
            last = found[-1].id
        return last

    def _row(self, subscription_id: uuid.UUID) -> _Row:
        try:
            return self._rows[subscription_id]
        except KeyError:
            raise NotFound(f"no webhook {subscription_id}") from None

    async def create(
        self,
        url: str,
        event_types: Sequence[EventType],
        tournament_id: TournamentId | None,
        secret: str,
    ) -> Subscription:
        cursor = await self._last_event_id()
        subscription = Subscription(
            uuid.uuid4(), url, tuple(event_types), tournament_id, secret,
            SubscriptionState.ACTIVE, cursor, 0, None,
        )  # fmt: skip
        self._rows[subscription.id] = _Row(subscription, _now())
        self._deliveries[subscription.id] = []
        return subscription

    async def list(self) -> Sequence[Subscription]:
        await asyncio.sleep(0)
        return [row.subscription for row in self._rows.values()]

    async def get(self, subscription_id: uuid.UUID) -> Subscription:
        await asyncio.sleep(0)
        return self._row(subscription_id).subscription

    async def delete(self, subscription_id: uuid.UUID) -> None:
        self._row(subscription_id)
        del self._rows[subscription_id], self._deliveries[subscription_id]

    async def replay(self, subscription_id: uuid.UUID, after: int) -> None:
        row = self._row(subscription_id)
        row.subscription = evolve(
            row.subscription,
            cursor=after,
            state=SubscriptionState.ACTIVE,
            attempts=0,
            failing_since=None,
        )
        row.next_attempt_at = _now()

    async def deliveries(self, subscription_id: uuid.UUID, limit: int = 100) -> Sequence[Delivery]:
        self._row(subscription_id)
        return self._deliveries[subscription_id][::-1][:limit]

    async def claim(self, limit: int, lease: timedelta) -> Sequence[Subscription]:
        now = _now()
        due = sorted(
            (
                row
                for row in self._rows.values()
                if row.subscription.state is SubscriptionState.ACTIVE
                and row.next_attempt_at <= now
                and (row.lease_until is None or row.lease_until <= now)
            ),
            key=lambda row: row.next_attempt_at,
        )
        claimed: builtins.list[Subscription] = []
        for row in due:
            if len(claimed) == limit:
                break
            if not await self._events_after(row.subscription.cursor, 1):
                continue
            row.subscription = evolve(row.subscription, claim=uuid.uuid4())
            row.lease_until = now + lease
            claimed.append(row.subscription)
        return claimed

    async def pending(self, subscription: Subscription, limit: int) -> tuple[Sequence[Event], int]:
        found = await self._events_after(subscription.cursor, limit)
        wanted = [event for event in found if subscription.wants(event)]
        return wanted, (found[-1].id if found else subscription.cursor)

    async def record(
        self,
        subscription: Subscription,
        *,
        event_id: int,
        attempt: int,
        status: int | None,
        latency_ms: int,
        error: str | None,
    ) -> None:
        self._row(subscription.id)
        delivery = Delivery(event_id, attempt, status, latency_ms, error, _now())
        self._deliveries[subscription.id].append(delivery)

    def _held(self, subscription: Subscription) -> _Row | None:
        row = self._rows.get(subscription.id)
        if (
            row is None
            or subscription.claim is None
            or row.subscription.claim != subscription.claim
        ):
            return None
        return row

    async def advance(self, subscription: Subscription, cursor: int) -> bool:
        await asyncio.sleep(0)
        if (row := self._held(subscription)) is None:
            return False
        row.subscription = evolve(row.subscription, cursor=cursor, attempts=0, failing_since=None)
        return True

    async def retry_later(
        self, subscription: Subscription, at: datetime, failing_since: datetime, failing: bool
    ) -> bool:
        await asyncio.sleep(0)
        if (row := self._held(subscription)) is None:
            return False
        row.subscription = evolve(
            row.subscription,
            attempts=row.subscription.attempts + 1,
            failing_since=failing_since,
            state=SubscriptionState.FAILING if failing else SubscriptionState.ACTIVE,
            claim=None,
        )
        row.next_attempt_at, row.lease_until = at, None
        return True

    async def disable(self, subscription: Subscription) -> bool:
        await asyncio.sleep(0)
        if (row := self._held(subscription)) is None:
            return False
        row.subscription = evolve(row.subscription, state=SubscriptionState.DISABLED, claim=None)
        row.lease_until = None
        return True

    async def release(self, subscription: Subscription) -> None:
        await asyncio.sleep(0)
        if (row := self._held(subscription)) is not None:
            row.subscription = evolve(row.subscription, claim=None)
            row.lease_until = None
