"""Migration 0011 on a database holding 0010's rows: every event reads back as it did, a match
event whose change is recorded names it instead of its copy, and the tables' rows stay."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import attrs
import pytest

from adapters.event_json import payload_from_json, payload_to_json
from adapters.postgres import create_pool, migrate_url, unit_of_work_factory
from adapters.postgres.admin import drop_database
from adapters.postgres.migrator import load_migrations
from bestshot_domain.emitting import match_events
from bestshot_domain.events import (
    Event,
    EventType,
    MatchMoved,
    NewEvent,
    ScheduleFailed,
    StandingsChanged,
    TeamMove,
)
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus
from tests.builders import T0, match, state
from tests.conftest import TEST_POOL, PostgresServerForTests
from tests.contracts.seed import seed_league

pytestmark = pytest.mark.integration


@pytest.fixture
async def url_at_0010(postgres_server: PostgresServerForTests) -> AsyncIterator[str]:
    name = await postgres_server.new_database(migrated=False)
    url = postgres_server.url(name)
    try:
        await migrate_url(url, [m for m in load_migrations() if m.version <= 10])
        yield url
    finally:
        await drop_database(postgres_server.admin_url, name)


def finished(kind: ChangeKind = ChangeKind.UPDATED, reason: str = "to 2-1") -> MatchChange:
    return MatchChange(
        "scripted:m1",
        "liga-test",
        "matchday-1",
        kind,
        state(),
        state(MatchStatus.FINISHED, (2, 1), kickoff=T0 + timedelta(microseconds=250)),
        reason,
        T0 + timedelta(hours=2),
    )


async def test_0011_keeps_every_event_and_names_the_recorded_changes(url_at_0010: str) -> None:
    pool = await create_pool(url_at_0010, TEST_POOL)
    try:
        factory = unit_of_work_factory(pool, TEST_POOL)
        m1 = match("m1")
        await seed_league(factory, matches=[m1])
        update, observed = finished(), finished(ChangeKind.OBSERVATION, "the provider says 2-1")
        async with factory() as uow:
            await uow.changes.record_many([update, observed])
            await uow.commit()
        updated, finished_event = match_events([m1], [update])
        moved = updated.payload
        assert isinstance(moved, MatchMoved)
        events = [
            updated,  # named after the migration, as is the next one
            finished_event,
            # The same payload as an observation's: kept (observations may be pruned).
            attrs.evolve(updated, payload=attrs.evolve(moved, reason=observed.reason)),
            # A match event no recorded change says: kept.
            attrs.evolve(updated, payload=attrs.evolve(moved, reason="other")),
            NewEvent(EventType.SCHEDULE_FAILED, "liga-test", T0, ScheduleFailed("s", "r", 5)),
            NewEvent(
                EventType.STANDINGS_CHANGED,
                "liga-test",
                T0,
                StandingsChanged((TeamMove("scripted:a", "Team a", None, 2, 1, 0, 3),)),
            ),
        ]
        async with pool.acquire() as connection:
            await connection.execute(
                """
                INSERT INTO outbox_events (type, tournament_id, occurred_at, payload)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
                """,
                [str(e.type) for e in events],
                [e.tournament_id for e in events],
                [e.occurred_at for e in events],
                [json.dumps(payload_to_json(e.payload)) for e in events],
            )
            await connection.fetchval("SELECT nextval('outbox_events_id_seq')")  # rolled back
            await connection.execute(
                """
                INSERT INTO standings_snapshots (tournament_id, rules, computed_at)
                VALUES ('liga-test', 'premier_league', '2026-03-14T17:00:00+00:00');
                INSERT INTO standings_tables (tournament_id, table_index) VALUES ('liga-test', 0);
                INSERT INTO standings_rows (tournament_id, table_index, row_index, position, team,
                    played, won, drawn, lost, goals_for, goals_against, goal_difference, points,
                    detail)
                VALUES
                    ('liga-test', 0, 0, 1, 'scripted:a', 1, 1, 0, 0, 2, 1, 1, 3, '{"form": "W"}'),
                    ('liga-test', 0, 1, 2, 'scripted:b', 1, 0, 0, 1, 1, 2, -1, 0, '{}');
                """,
            )
            before = await connection.fetch(
                "SELECT id, type, tournament_id, occurred_at, payload::text FROM outbox_events"
                " ORDER BY id"
            )
            rows_before = await connection.fetch("SELECT * FROM standings_rows ORDER BY row_index")
        expected = [
            Event(
                row["id"],
                EventType(row["type"]),
                row["tournament_id"],
                row["occurred_at"],
                payload_from_json(EventType(row["type"]), json.loads(row["payload"])),
            )
            for row in before
        ]

        report = await migrate_url(url_at_0010)
        assert report.applied[0].version == 11  # then any later ones

        async with factory() as uow:
            assert list(await uow.outbox.after(0)) == expected
        async with pool.acquire() as connection:
            named = await connection.fetch(
                "SELECT change_id, payload IS NULL AS copy_gone FROM outbox_events ORDER BY id"
            )
            update_id = await connection.fetchval(
                "SELECT id FROM match_changes WHERE kind = 'updated'"
            )
            rows_after = await connection.fetch("SELECT * FROM standings_rows ORDER BY row_index")
        assert [(row["change_id"], row["copy_gone"]) for row in named] == [
            (update_id, True),
            (update_id, True),
            (None, False),
            (None, False),
            (None, False),
            (None, False),
        ]
        assert [dict(row) for row in rows_after] == [dict(row) for row in rows_before]

        # The ids go on after the last one handed out, the rolled-back one too.
        async with factory() as uow:
            await uow.outbox.append(match_events([m1], [update]))
            await uow.commit()
        async with factory() as uow:
            new = list(await uow.outbox.after(expected[-1].id))
        assert [event.id for event in new] == [expected[-1].id + 2, expected[-1].id + 3]
        assert [event.payload for event in new] == [expected[0].payload] * 2
    finally:
        await pool.close()
