"""`update_round` on PostgreSQL: concurrent calls, and a connection lost in the middle."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Self

import asyncpg
import pytest

from adapters.memory import ScriptedSource, SettableClock
from adapters.postgres import PoolConfig, PostgresUnitOfWork, create_pool, unit_of_work_factory
from adapters.postgres.admin import drop_database
from bestshot_domain import services
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.model import ChangeKind, Match, MatchChange, MatchStatus
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.round_update import RoundUpdate
from tests.builders import T0, league_fixtures, observation
from tests.conftest import TEST_POOL, PostgresServerForTests

pytestmark = pytest.mark.integration

LIGA = "liga-test"
ROUND = "matchday-1"


class League:
    """A 20-team league imported into one database, its first round finished at the source."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self.uow_factory = uow_factory
        self.source = ScriptedSource()
        self.clock = SettableClock(T0)

    async def import_(self) -> Self:
        fixtures = league_fixtures(20)
        self.source.publish("liga", fixtures)
        await services.import_tournament(
            "scripted",
            "liga",
            "Liga Test",
            "premier_league",
            uow_factory=self.uow_factory,
            sources={"scripted": self.source},
            clock=self.clock,
        )
        first_round = [m for m in fixtures.matches if m.round_slug == ROUND]
        self.source.report(
            "liga",
            *(
                observation(m.external_id, MatchStatus.FINISHED, (n % 4, (n + 1) % 3))
                for n, m in enumerate(first_round)
            ),
        )
        self.clock.advance(timedelta(hours=2))
        return self

    async def update_round(self, uow_factory: UnitOfWorkFactory | None = None) -> RoundUpdate:
        return await services.update_round(
            LIGA,
            ROUND,
            uow_factory=uow_factory or self.uow_factory,
            sources={"scripted": self.source},
            clock=self.clock,
        )

    async def stored(self) -> tuple[list[Match], list[MatchChange]]:
        async with self.uow_factory() as uow:
            matches = list(await uow.matches.for_round(LIGA, ROUND))
            changes = list(await uow.changes.for_tournament(LIGA))
        return matches, changes


@pytest.fixture
async def league(postgres_uow_factory: UnitOfWorkFactory) -> League:
    return await League(postgres_uow_factory).import_()


async def test_twenty_concurrent_updates_end_as_one(
    league: League, postgres_server: PostgresServerForTests
) -> None:
    # The reference: the same league in another database, updated once.
    reference_db = await postgres_server.new_database()
    pool = await create_pool(postgres_server.url(reference_db), TEST_POOL)
    try:
        reference = await League(unit_of_work_factory(pool, TEST_POOL)).import_()
        await reference.update_round()
        expected_matches, expected_changes = await reference.stored()
    finally:
        await pool.close()
        await drop_database(postgres_server.admin_url, reference_db)

    updates = await asyncio.gather(*(league.update_round() for _ in range(20)))

    matches, changes = await league.stored()
    assert matches == expected_matches
    assert changes == expected_changes
    assert all(m.status is MatchStatus.FINISHED and m.version == 1 for m in matches)
    round_changes = [c for c in changes if c.kind is not ChangeKind.CREATED]
    assert len(round_changes) == len(matches) == 10
    assert len({c.match for c in round_changes}) == 10  # each change recorded once
    # Exactly one of the twenty found something to write; the others found it written.
    assert sorted(len(u.changes) for u in updates) == [0] * 19 + [10]


class _Sabotage:
    """Terminates the unit of work's own backend (from another connection) before `step`."""

    def __init__(self, killer: asyncpg.Pool, step: str) -> None:
        self.killer = killer
        self.step = step
        self.fired = False

    async def strike(self, uow: PostgresUnitOfWork, step: str) -> None:
        if step != self.step or self.fired:
            return
        self.fired = True
        pid = uow.connection.get_server_pid()
        await self.killer.execute("SELECT pg_terminate_backend($1)", pid)
        gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)"
        while not await self.killer.fetchval(gone, pid):  # noqa: ASYNC110 - the server's view
            await asyncio.sleep(0.01)


def sabotaged_factory(pool: asyncpg.Pool, sabotage: _Sabotage) -> UnitOfWorkFactory:
    class SabotagedUnitOfWork(PostgresUnitOfWork):
        async def __aenter__(self) -> Self:
            await super().__aenter__()
            matches, changes = self.matches, self.changes
            uow = self

            class Matches:
                def __getattr__(self, name: str) -> object:
                    return getattr(matches, name)

                async def save_many(self, items: Sequence[Match]) -> None:
                    await sabotage.strike(uow, "save_many")
                    await matches.save_many(items)

            class Changes:
                def __getattr__(self, name: str) -> object:
                    return getattr(changes, name)

                async def record_many(self, items: Sequence[MatchChange]) -> None:
                    await sabotage.strike(uow, "record_many")
                    await changes.record_many(items)

            self.matches = Matches()  # type: ignore[assignment]
            self.changes = Changes()  # type: ignore[assignment]
            return self

        async def commit(self) -> None:
            await sabotage.strike(self, "commit")
            await super().commit()

    return lambda: SabotagedUnitOfWork(pool, acquire_timeout=TEST_POOL.acquire_timeout)


@pytest.mark.parametrize("step", ["save_many", "record_many", "commit"])
async def test_a_backend_terminated_mid_update_leaves_nothing_and_the_next_attempt_succeeds(
    league: League, postgres_pool: asyncpg.Pool, postgres_url: str, step: str
) -> None:
    before_matches, before_changes = await league.stored()
    killer = await create_pool(postgres_url, PoolConfig(min_size=1, max_size=1))
    try:
        sabotage = _Sabotage(killer, step)
        with pytest.raises(StorageUnavailable, match=r"connection .*nothing was written"):
            await league.update_round(sabotaged_factory(postgres_pool, sabotage))
        assert sabotage.fired
    finally:
        await killer.close()

    assert await league.stored() == (before_matches, before_changes)

    update = await league.update_round()
    matches, changes = await league.stored()
    assert len(update.changes) == 10
    assert all(m.status is MatchStatus.FINISHED for m in matches)
    assert len(changes) == len(before_changes) + 10
