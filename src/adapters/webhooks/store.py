"""The WebhookStore port in PostgreSQL: subscriptions and their delivery log (migration 0005).

Dispatchers claim subscriptions with `FOR UPDATE SKIP LOCKED`, a lease and a claim id, as the
local scheduler claims schedules: several share the work, one subscription is delivered by one
dispatcher at a time (which keeps its events in order), and a dispatcher that dies leaves a
lease that runs out, so another delivers the same event again. Each statement waits
`acquire_timeout` at most for a connection (StorageBusy past it), as the API's do.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from adapters.postgres.errors import storage_errors
from adapters.postgres.outbox import SELECT_EVENTS, event_from_row
from adapters.postgres.pool import PoolConfig, bounded_connection
from bestshot_domain.errors import NotFound
from bestshot_domain.events import Event, EventType
from bestshot_domain.subscriptions import Delivery, Subscription, SubscriptionState

_COLUMNS = (
    "id, url, event_types, tournament_id, secret, state, cursor, attempts, failing_since, claim"
)


def _subscription(row: asyncpg.Record) -> Subscription:
    return Subscription(
        row["id"],
        row["url"],
        tuple(EventType(kind) for kind in row["event_types"]),
        row["tournament_id"],
        row["secret"],
        SubscriptionState(row["state"]),
        row["cursor"],
        row["attempts"],
        row["failing_since"],
        row["claim"],
    )


class PostgresWebhookStore:
    def __init__(
        self, pool: asyncpg.Pool, *, acquire_timeout: float = PoolConfig().acquire_timeout
    ) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout

    def _connection(self) -> AbstractAsyncContextManager[PoolConnectionProxy[asyncpg.Record]]:
        # Bounded: a pool taken for good must not hang the dispatcher or a request.
        return bounded_connection(self._pool, self._acquire_timeout)

    async def create(
        self,
        url: str,
        event_types: Sequence[EventType],
        tournament_id: str | None,
        secret: str,
    ) -> Subscription:
        """A new subscription, starting after the last event now in the outbox."""
        async with self._connection() as connection:
            with storage_errors():
                row = await connection.fetchrow(
                    f"""
                    INSERT INTO webhook_subscriptions (id, url, event_types, tournament_id, secret,
                        cursor)
                    VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(id), 0) FROM outbox_events))
                    RETURNING {_COLUMNS}
                    """,  # noqa: S608 - constant columns
                    uuid.uuid4(),
                    url,
                    [str(kind) for kind in event_types],
                    tournament_id,
                    secret,
                )
        assert row is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
        return _subscription(row)

    async def list(self) -> Sequence[Subscription]:
        async with self._connection() as connection:
            with storage_errors():
                rows = await connection.fetch(
                    f"SELECT {_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id"  # noqa: S608
                )
        return [_subscription(row) for row in rows]

    async def get(self, subscription_id: uuid.UUID) -> Subscription:
        async with self._connection() as connection:
            with storage_errors():
                row = await connection.fetchrow(
                    f"SELECT {_COLUMNS} FROM webhook_subscriptions WHERE id = $1",  # noqa: S608
                    subscription_id,
                )
        if row is None:
            raise NotFound(f"no webhook {subscription_id}")
        return _subscription(row)

    async def delete(self, subscription_id: uuid.UUID) -> None:
        async with self._connection() as connection:
            with storage_errors():
                status = await connection.execute(
                    "DELETE FROM webhook_subscriptions WHERE id = $1", subscription_id
                )
        if status == "DELETE 0":
            raise NotFound(f"no webhook {subscription_id}")

    async def replay(self, subscription_id: uuid.UUID, after: int) -> None:
        """Deliver again every wanted event after `after`, and make the subscription active."""
        async with self._connection() as connection:
            with storage_errors():
                status = await connection.execute(
                    """
                    UPDATE webhook_subscriptions SET cursor = $2, state = 'active', attempts = 0,
                        failing_since = NULL, next_attempt_at = now(), updated_at = now()
                    WHERE id = $1
                    """,
                    subscription_id,
                    after,
                )
        if status == "UPDATE 0":
            raise NotFound(f"no webhook {subscription_id}")

    async def deliveries(self, subscription_id: uuid.UUID, limit: int = 100) -> Sequence[Delivery]:
        """The latest deliveries, newest first."""
        await self.get(subscription_id)
        async with self._connection() as connection:
            with storage_errors():
                rows = await connection.fetch(
                    """
                    SELECT event_id, attempt, status, latency_ms, error, delivered_at
                    FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2
                    """,
                    subscription_id,
                    limit,
                )
        return [Delivery(*row.values()) for row in rows]

    # The dispatcher's side.

    async def claim(self, limit: int, lease: timedelta) -> Sequence[Subscription]:
        """Active subscriptions that are due and have events after their cursor, leased."""
        async with self._connection() as connection:
            with storage_errors():
                rows = await connection.fetch(
                    f"""
                    WITH due AS (
                        SELECT s.id FROM webhook_subscriptions s
                        WHERE s.state = 'active' AND s.next_attempt_at <= now()
                          AND (s.lease_until IS NULL OR s.lease_until <= now())
                          AND EXISTS (SELECT 1 FROM outbox_events e WHERE e.id > s.cursor)
                        ORDER BY s.next_attempt_at, s.id
                        LIMIT $1
                        FOR UPDATE SKIP LOCKED
                    )
                    UPDATE webhook_subscriptions AS s
                    SET lease_until = now() + $2::interval, claim = gen_random_uuid()
                    FROM due WHERE s.id = due.id
                    RETURNING {", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))}
                    """,  # noqa: S608 - constant columns
                    limit,
                    lease,
                )
        return [_subscription(row) for row in rows]

    async def pending(self, subscription: Subscription, limit: int) -> tuple[Sequence[Event], int]:
        """The wanted events after the cursor (at most `limit`), and the last outbox id looked
        at: where the cursor may move when none of them is wanted."""
        async with self._connection() as connection:
            with storage_errors():
                rows = await connection.fetch(
                    f"{SELECT_EVENTS} WHERE e.id > $1 ORDER BY e.id LIMIT $2",
                    subscription.cursor,
                    limit,
                )
        wanted = [event for event in map(event_from_row, rows) if subscription.wants(event)]
        return wanted, (rows[-1]["id"] if rows else subscription.cursor)

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
        async with self._connection() as connection:
            with storage_errors():
                await connection.execute(
                    """
                    INSERT INTO webhook_deliveries (subscription_id, event_id, attempt, status,
                        latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6)
                    """,
                    subscription.id,
                    event_id,
                    attempt,
                    status,
                    latency_ms,
                    error,
                )

    async def advance(self, subscription: Subscription, cursor: int) -> bool:
        """Delivered up to `cursor` (the lease is kept); False when the claim was lost."""
        return await self._update(
            subscription,
            "cursor = $3, attempts = 0, failing_since = NULL",
            cursor,
            release=False,
        )

    async def retry_later(
        self, subscription: Subscription, at: datetime, failing_since: datetime, failing: bool
    ) -> bool:
        state = SubscriptionState.FAILING if failing else SubscriptionState.ACTIVE
        return await self._update(
            subscription,
            "attempts = attempts + 1, next_attempt_at = $3, failing_since = $4, state = $5",
            at,
            failing_since,
            str(state),
        )

    async def disable(self, subscription: Subscription) -> bool:
        return await self._update(subscription, "state = $3", str(SubscriptionState.DISABLED))

    async def release(self, subscription: Subscription) -> None:
        await self._update(subscription, "next_attempt_at = next_attempt_at")

    async def _update(
        self, subscription: Subscription, assignments: str, *args: object, release: bool = True
    ) -> bool:
        lease = ", lease_until = NULL, claim = NULL" if release else ""
        async with self._connection() as connection:
            with storage_errors():
                status = await connection.execute(
                    f"""
                    UPDATE webhook_subscriptions SET {assignments}{lease}, updated_at = now()
                    WHERE id = $1 AND claim = $2
                    """,  # noqa: S608 - the assignments are constants of this module
                    subscription.id,
                    subscription.claim,
                    *args,
                )
        return status == "UPDATE 1"
