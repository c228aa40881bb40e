"""The Outbox port over the `outbox_events` table (migration 0005).

Appending takes a transaction-level advisory lock first, so that writers of events take ids
one transaction at a time and commit in id order: a reader resuming after the last id it saw
never misses an event that a slower transaction committed later with a lower id. The lock is
held only from a use case's last write to its commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from adapters.event_json import payload_from_json, payload_to_json
from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor
from adapters.postgres.session import Session
from bestshot_domain.errors import InvalidInput
from bestshot_domain.events import Event, EventType, NewEvent
from bestshot_domain.model import TournamentId

# "outbox" in ASCII: recognisable in pg_locks.
OUTBOX_LOCK_KEY = int.from_bytes(b"outbox", "big")

_INSERT = """
    INSERT INTO outbox_events (type, tournament_id, occurred_at, payload)
    SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
"""


async def append_events(db: Executor, events: Sequence[NewEvent]) -> None:
    """Insert events on a connection inside a transaction (the caller's)."""
    await db.execute("SELECT pg_advisory_xact_lock($1)", OUTBOX_LOCK_KEY)
    await db.execute(
        _INSERT,
        [str(event.type) for event in events],
        [event.tournament_id for event in events],
        [event.occurred_at for event in events],
        [json.dumps(payload_to_json(event.payload)) for event in events],
    )


class PostgresOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    async def append(self, events: Sequence[NewEvent]) -> None:
        if not events:
            return
        async with self._session.write() as db:
            await append_events(db, events)

    async def after(
        self, event_id: int, *, tournament_id: TournamentId | None = None, limit: int = 100
    ) -> Sequence[Event]:
        if limit < 1:
            raise InvalidInput("a page of events holds at least one")
        with storage_errors():
            rows = await self._session.db.fetch(
                """
                SELECT id, type, tournament_id, occurred_at, payload::text AS payload
                FROM outbox_events
                WHERE id > $1 AND ($2::text IS NULL OR tournament_id = $2)
                ORDER BY id LIMIT $3
                """,
                event_id,
                tournament_id,
                limit,
            )
        return [event_from_row(row) for row in rows]


def event_from_row(row: asyncpg.Record) -> Event:
    kind = EventType(row["type"])
    return Event(
        row["id"],
        kind,
        row["tournament_id"],
        row["occurred_at"],
        payload_from_json(kind, json.loads(row["payload"])),
    )
