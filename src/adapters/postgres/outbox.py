"""The Outbox port over the `outbox_events` table (migrations 0005, 0011).

Appending takes a transaction-level advisory lock first, so that writers of events take ids
one transaction at a time and commit in id order: a reader resuming after the last id it saw
never misses an event that a slower transaction committed later with a lower id. The lock is
held only from a use case's last write to its commit.

A match event whose change is recorded (as the use cases record it, before its events) names
that change instead of keeping a copy of it: its payload and time are rendered from the change
record when read, equal to the ones appended. Any other event keeps its payload as JSON (a
large one, such as a whole table's `standings.changed`, is compressed by PostgreSQL: its keys
repeated per team cost little).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from adapters.event_json import payload_from_json, payload_to_json
from adapters.postgres.codec import STATE_FIELDS, state_columns, state_from_columns
from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor
from adapters.postgres.session import Session
from bestshot_domain.errors import InvalidInput
from bestshot_domain.events import Event, EventType, MatchMoved, NewEvent, Payload
from bestshot_domain.model import TournamentId

# "outbox" in ASCII: recognisable in pg_locks.
OUTBOX_LOCK_KEY = int.from_bytes(b"outbox", "big")

_STATE_TYPES = ("text", "timestamptz", "int", "int", "text", "int", "int")
_BEFORE = [f"before_{name}" for name in STATE_FIELDS]
_AFTER = [f"after_{name}" for name in STATE_FIELDS]
_GIVEN = ["type", "tournament_id", "occurred_at", "payload", "match", "round", "reason"]
_GIVEN += ["home", "away", *_BEFORE, *_AFTER]
_GIVEN_TYPES = ["text", "text", "timestamptz", "jsonb", "text", "text", "text", "text", "text"]
_GIVEN_TYPES += [*_STATE_TYPES, *_STATE_TYPES]


def _same(columns: Sequence[str]) -> str:
    return (
        f"({', '.join(f'c.{name}' for name in columns)}) IS NOT DISTINCT FROM "
        f"({', '.join(f'e.{name}' for name in columns)})"
    )


# The newest change of the match that renders the same payload; observations are left out, as
# the history retention deletes them (migration 0011). WITH ORDINALITY ... ORDER BY gives the
# ids in the order the events were appended.
_INSERT = f"""
INSERT INTO outbox_events (type, tournament_id, occurred_at, payload, change_id, home, away)
SELECT e.type, e.tournament_id, CASE WHEN c.id IS NULL THEN e.occurred_at END,
    CASE WHEN c.id IS NULL THEN e.payload END, c.id,
    CASE WHEN c.id IS NOT NULL THEN e.home END, CASE WHEN c.id IS NOT NULL THEN e.away END
FROM unnest({", ".join(f"${i}::{kind}[]" for i, kind in enumerate(_GIVEN_TYPES, start=1))})
    WITH ORDINALITY AS e({", ".join(_GIVEN)}, n)
LEFT JOIN LATERAL (
    SELECT c.id FROM match_changes c
    WHERE c.match_key = e.match AND c.kind <> 'observation'
        AND c.tournament_id = e.tournament_id AND c.recorded_at = e.occurred_at
        AND c.round_slug = e.round AND c.reason = e.reason
        AND {_same(_BEFORE)} AND {_same(_AFTER)}
    ORDER BY c.id DESC
    LIMIT 1
) c ON true
ORDER BY e.n
"""  # noqa: S608 - constant column names; the values travel as parameters

# Events with what their payloads are rendered from, to be followed by a WHERE on `e`.
SELECT_EVENTS = f"""
SELECT e.id, e.type, e.tournament_id, coalesce(e.occurred_at, c.recorded_at) AS occurred_at,
    e.payload::text AS payload, e.change_id,
    e.home, e.away, c.match_key, c.round_slug, c.reason,
    {", ".join(f"c.{name}" for name in (*_BEFORE, *_AFTER))}
FROM outbox_events e LEFT JOIN match_changes c ON c.id = e.change_id
"""  # noqa: S608 - constant column names


def _event_columns(event: NewEvent) -> tuple[object, ...]:
    payload = event.payload
    described = (
        (
            payload.match,
            payload.round_slug,
            payload.reason,
            payload.home,
            payload.away,
            *state_columns(payload.before),
            *state_columns(payload.after),
        )
        if isinstance(payload, MatchMoved)
        else (None,) * (len(_GIVEN) - 4)
    )
    return (
        str(event.type),
        event.tournament_id,
        event.occurred_at,
        json.dumps(payload_to_json(payload)),
        *described,
    )


# The lock of the module's docstring; sent with the write's savepoint, in one round trip.
LOCK_OUTBOX = f"SELECT pg_advisory_xact_lock({OUTBOX_LOCK_KEY})"


async def append_events(db: Executor, events: Sequence[NewEvent], *, locked: bool = False) -> None:
    """Insert events on a connection inside a transaction (the caller's), taking the outbox's
    lock unless `locked` (LOCK_OUTBOX run already in this transaction)."""
    if not locked:
        await db.execute(LOCK_OUTBOX)
    rows = [_event_columns(event) for event in events]
    await db.execute(_INSERT, *(list(column) for column in zip(*rows, strict=True)))


class PostgresOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    async def append(self, events: Sequence[NewEvent]) -> None:
        if not events:
            return
        async with self._session.write(first=LOCK_OUTBOX) as db:
            await append_events(db, events, locked=True)

    async def after(
        self, event_id: int, *, tournament_id: TournamentId | None = None, limit: int = 100
    ) -> Sequence[Event]:
        if limit < 1:
            raise InvalidInput("a page of events holds at least one")
        with storage_errors():
            rows = await self._session.db.fetch(
                f"""
                {SELECT_EVENTS}
                WHERE e.id > $1 AND ($2::text IS NULL OR e.tournament_id = $2)
                ORDER BY e.id LIMIT $3
                """,
                event_id,
                tournament_id,
                limit,
            )
        return [event_from_row(row) for row in rows]


def _payload(kind: EventType, row: asyncpg.Record) -> Payload:
    if row["change_id"] is None:
        return payload_from_json(kind, json.loads(row["payload"]))
    after = state_from_columns(row, "after_")
    if after is None:  # pragma: no cover - only observations are ever deleted, and none is named
        raise ValueError(f"event {row['id']} names change {row['change_id']}, which is gone")
    return MatchMoved(
        row["match_key"],
        row["round_slug"],
        row["home"],
        row["away"],
        state_from_columns(row, "before_"),
        after,
        row["reason"],
    )


def event_from_row(row: asyncpg.Record) -> Event:
    """An event from a row of SELECT_EVENTS."""
    kind = EventType(row["type"])
    return Event(row["id"], kind, row["tournament_id"], row["occurred_at"], _payload(kind, row))
