"""A transaction that only restamps stored tables (the same tables, bracket and rules confirmed at
a newer revision and time) commits without waiting for the disk; any other write, new tables or
an event among them, makes its commit wait as every commit does (`Session`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from attrs import evolve

from adapters.postgres.outbox import PostgresOutbox
from adapters.postgres.session import COMMIT, Session
from adapters.postgres.standings import PostgresStandingsRepository
from adapters.postgres.standings_saves import restamped
from bestshot_domain.emitting import standings_events
from bestshot_domain.model import PointAdjustment, StandingsSnapshot, StandingsStatus
from bestshot_domain.ports import UnitOfWorkFactory
from tests.contracts.seed import seed_league
from tests.contracts.test_standings_save_if_current import computed, snapshot_of

pytestmark = pytest.mark.integration

LIGA = "liga-test"
NOT_WAITING = "SET LOCAL synchronous_commit = off; COMMIT"


class Recorded:
    """A real connection whose statements without parameters (BEGIN, COMMIT ...) are noted."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.sent: list[str] = []

    async def execute(self, query: str, *arguments: object) -> str:
        if not arguments:
            self.sent.append(query)
        return await self._connection.execute(query, *arguments)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


@pytest.fixture
async def recorded(postgres_pool: asyncpg.Pool) -> AsyncIterator[Recorded]:
    async with postgres_pool.acquire() as connection:
        # Waiting for the disk is this connection's default (the test server's is not).
        await connection.execute("SET synchronous_commit = on")
        yield Recorded(connection)  # type: ignore[arg-type]
        await connection.execute("RESET synchronous_commit")


async def _stored_then_raised(
    uow_factory: UnitOfWorkFactory,
) -> tuple[StandingsSnapshot, StandingsStatus]:
    """Tables stored, then the revision raised by a write that changes no table."""
    await seed_league(uow_factory)
    async with uow_factory() as uow:
        revision = (await uow.standings.status(LIGA)).revision
        snapshot = snapshot_of(0, revision, computed())
        await uow.standings.save(snapshot)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.adjustments.save(PointAdjustment(LIGA, "scripted:a", 0, "nothing"))
        await uow.commit()
    async with uow_factory() as uow:
        seen = await uow.standings.status(LIGA)
    return snapshot, seen


def _again(snapshot: StandingsSnapshot, seen: StandingsStatus, **changes: Any) -> StandingsSnapshot:
    """`snapshot` computed again at the revision seen, a minute later, with `changes`."""
    return evolve(
        snapshot,
        computed_at=snapshot.computed_at + timedelta(minutes=1),
        revision=seen.revision,
        **changes,
    )


class TestCommits:
    async def test_restamping_the_same_tables_commits_without_waiting_for_the_disk(
        self, postgres_uow_factory: UnitOfWorkFactory, recorded: Recorded
    ) -> None:
        stored, seen = await _stored_then_raised(postgres_uow_factory)
        session = Session(recorded)
        again = _again(stored, seen)
        assert await PostgresStandingsRepository(session).save_if_current(again, seen)
        await session.end(COMMIT)
        assert recorded.sent[-1] == NOT_WAITING
        # For that transaction alone, and committed all the same.
        assert await recorded.fetchval("SHOW synchronous_commit") == "on"
        async with postgres_uow_factory() as uow:
            assert (await uow.standings.get(LIGA)) == again

    @pytest.mark.parametrize(
        "change",
        ["tables", "rules", "progress", "event"],
    )
    async def test_anything_more_than_a_new_stamp_makes_the_commit_wait(
        self, postgres_uow_factory: UnitOfWorkFactory, recorded: Recorded, change: str
    ) -> None:
        stored, seen = await _stored_then_raised(postgres_uow_factory)
        session = Session(recorded)
        if change == "tables":
            again = _again(stored, seen, tables=computed(deduction=3))
        elif change == "rules":
            again = _again(stored, seen, rules="la_liga")
        elif change == "progress":
            again = _again(stored, seen, progress={"scripted:a": "champion"})
        else:
            again = _again(stored, seen)
        assert await PostgresStandingsRepository(session).save_if_current(again, seen)
        if change == "event":
            moved = _again(stored, seen, tables=computed(deduction=3))
            await PostgresOutbox(session).append(standings_events(stored, moved))
        await session.end(COMMIT)
        assert recorded.sent[-1] == COMMIT

    async def test_a_write_of_anything_else_commits_as_it_always_did(
        self, postgres_uow_factory: UnitOfWorkFactory, recorded: Recorded
    ) -> None:
        await seed_league(postgres_uow_factory)
        session = Session(recorded)
        async with session.write() as db:
            await db.execute("UPDATE tournaments SET label = 'Liga' WHERE id = $1", LIGA)
        await session.end(COMMIT)
        assert recorded.sent[-1] == COMMIT
        # A restamp after a failed write of something else still waits: the flag is set first.
        async with session.write(restamps=True) as db:
            await db.execute("UPDATE tournaments SET label = 'Liga 2' WHERE id = $1", LIGA)
        with pytest.raises(Exception, match="boom"):
            async with session.write():
                raise RuntimeError("boom")
        await session.end(COMMIT)
        assert recorded.sent[-1] == COMMIT


class TestRestamped:
    def test_only_a_new_revision_and_time_is_a_restamp(self) -> None:
        stored = snapshot_of(0, 1, computed())
        seen = StandingsStatus(2, stored.rules, stored)
        assert restamped(_again(stored, seen), seen)
        assert not restamped(_again(stored, seen), StandingsStatus(2, stored.rules, None))
        assert not restamped(_again(stored, seen), None)
        for changes in (
            {"tables": computed(deduction=1)},
            {"rules": "la_liga"},
            {"engine": "another engine"},
            {"engine": ""},
            {"progress": {"scripted:b": "final"}},
            {"digests": {"A": "other"}},
        ):
            assert not restamped(_again(stored, seen, **changes), seen), changes
