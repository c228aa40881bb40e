"""`import_tournament` on PostgreSQL: twenty identical imports at once create the tournament
once, and the other nineteen say that nothing changed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import attrs
import pytest

from adapters.memory import ScriptedSource, SettableClock
from adapters.postgres import create_pool, unit_of_work_factory
from bestshot_domain import services
from bestshot_domain.importing import ImportSummary
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, league_fixtures
from tests.conftest import TEST_POOL

pytestmark = pytest.mark.integration

CONCURRENT = 20
# One connection per import: with fewer, the pool itself would queue them and hide the race.
POOL = attrs.evolve(TEST_POOL, min_size=1, max_size=CONCURRENT)


@pytest.fixture
async def wide_pool(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(postgres_url, POOL)
    try:
        yield pool
    finally:
        await pool.close()


FIXTURES = league_fixtures(20)
MATCHES = len(FIXTURES.matches)


async def _imports(factory: UnitOfWorkFactory, count: int) -> list[ImportSummary]:
    source = ScriptedSource()
    source.publish("liga", FIXTURES)

    async def one() -> ImportSummary:
        return await services.import_tournament(
            "scripted",
            "liga",
            "Liga Test",
            "premier_league",
            timezone="Pacific/Kiritimati",
            uow_factory=factory,
            sources={"scripted": source},
            clock=SettableClock(T0),
        )

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def test_twenty_concurrent_identical_imports_create_the_tournament_once(
    wide_pool: asyncpg.Pool,
) -> None:
    factory = unit_of_work_factory(wide_pool, POOL)
    summaries = await _imports(factory, CONCURRENT)

    created = [s for s in summaries if s.tournament_created]
    assert len(created) == 1
    (first,) = created
    assert first.changed
    assert first.matches.created == MATCHES
    others = [s for s in summaries if s is not first]
    assert len(others) == CONCURRENT - 1
    # Each of the others ran after the first committed, and found everything as it imports it.
    assert all(not s.changed and s.changes == 0 for s in others)
    assert all(s.matches.created == 0 and s.teams.created == 0 for s in others)

    async with factory() as uow:
        assert [t.id for t in await uow.tournaments.list()] == ["liga-test"]
        assert len(await uow.matches.for_tournament("liga-test")) == MATCHES
        assert len(await uow.changes.for_tournament("liga-test")) == MATCHES  # "created" each
