"""`update_standings` on PostgreSQL: the stored tables are the answer while the revision the
triggers keep says nothing changed, whoever writes (even a statement that bypasses the
adapters), and a concurrent round update is never missed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest

from adapters.memory import ScriptedSource, SettableClock
from bestshot_domain import services
from bestshot_domain.model import MatchStatus, StandingsSnapshot
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, league_fixtures, observation

pytestmark = pytest.mark.integration

LIGA = "liga-test"
ROUND = "matchday-1"


class League:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self.uow_factory = uow_factory
        self.source = ScriptedSource()
        self.clock = SettableClock(T0)
        self.fixtures = league_fixtures(6)

    async def import_(self, rules: str = "premier_league") -> None:
        self.source.publish("liga", self.fixtures)
        await services.import_tournament(
            "scripted",
            "liga",
            "Liga Test",
            rules,
            uow_factory=self.uow_factory,
            sources={"scripted": self.source},
            clock=self.clock,
        )

    async def update_round(self) -> None:
        await services.update_round(
            LIGA,
            ROUND,
            uow_factory=self.uow_factory,
            sources={"scripted": self.source},
            clock=self.clock,
        )

    async def update_standings(self) -> StandingsSnapshot:
        snapshot = await services.update_standings(
            LIGA, uow_factory=self.uow_factory, clock=self.clock
        )
        self.clock.advance(timedelta(minutes=1))
        return snapshot

    def finish_first_round(self) -> None:
        first = [m for m in self.fixtures.matches if m.round_slug == ROUND]
        self.source.report(
            "liga",
            *(
                observation(m.external_id, MatchStatus.FINISHED, (n % 3, 1))
                for n, m in enumerate(first)
            ),
        )


@pytest.fixture
async def league(postgres_uow_factory: UnitOfWorkFactory) -> League:
    league = League(postgres_uow_factory)
    await league.import_()
    return league


async def _snapshot_row_version(pool: asyncpg.Pool) -> str:
    # The transaction that last wrote the row: unchanged means not written again.
    version: str = await pool.fetchval(
        "SELECT xmin::text FROM standings_snapshots WHERE tournament_id = $1", LIGA
    )
    return version


async def test_with_nothing_changed_the_stored_tables_are_the_answer_and_not_written_again(
    league: League, postgres_pool: asyncpg.Pool
) -> None:
    league.finish_first_round()
    await league.update_round()
    first = await league.update_standings()
    written_by = await _snapshot_row_version(postgres_pool)
    await league.update_round()  # nothing new from the provider
    again = await league.update_standings()
    assert again == first
    assert again.computed_at == T0
    assert await _snapshot_row_version(postgres_pool) == written_by


async def test_a_write_that_bypasses_the_adapters_still_makes_it_compute_again(
    league: League, postgres_pool: asyncpg.Pool
) -> None:
    league.finish_first_round()
    await league.update_round()
    first = await league.update_standings()
    await postgres_pool.execute(
        """
        UPDATE matches SET status = 'scheduled', home_score = NULL, away_score = NULL,
            ended = NULL, version = version + 1
        WHERE tournament_id = $1 AND round_slug = $2
        """,
        LIGA,
        ROUND,
    )
    again = await league.update_standings()
    assert again.revision > first.revision
    assert again.computed_at > first.computed_at
    assert all(row.played == 0 for row in again.tables[0].rows)
    assert any(row.played == 1 for row in first.tables[0].rows)


async def test_a_rules_change_by_a_new_import_computes_again(league: League) -> None:
    first = await league.update_standings()
    await league.import_(rules="la_liga")
    again = await league.update_standings()
    assert (first.rules, again.rules) == ("premier_league", "la_liga")
    assert again.computed_at > first.computed_at


async def test_a_round_update_racing_standings_updates_is_never_missed(league: League) -> None:
    await league.update_standings()
    league.finish_first_round()
    await asyncio.gather(
        league.update_standings(), league.update_round(), league.update_standings()
    )
    final = await league.update_standings()
    assert sum(row.played for row in final.tables[0].rows) == 6  # three matches, two sides
