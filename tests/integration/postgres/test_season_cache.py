"""The matches a process keeps of a tournament (`season_cache`) and the stamps they are brought up
to date with (migration 0013): after any sequence of committed writes, whoever makes them, a
standings update's inputs are exactly what the repositories hold, and only the changed matches
are read again where nothing was deleted and no round changed its kind."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.postgres import season_cache, standings_inputs
from adapters.postgres.config import SEASONS_KEPT, PoolConfig
from bestshot_domain.model import MatchStatus, RoundKind, StandingsInputs
from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.database import open_database
from entrypoints.settings.database import DatabaseConfig
from tests.builders import T0, match
from tests.contracts.seed import TEAMS, piece_by_piece, seed_league

pytestmark = pytest.mark.integration

ROUNDS = ("matchday-1", "matchday-2", "final")
PLAYED = (MatchStatus.FINISHED, MatchStatus.LIVE, MatchStatus.AWARDED)
_LEAGUES = itertools.count()


class FullReads:
    """How many times the season was read whole (`standings_inputs._read_season`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        whole = standings_inputs._read_season

        async def counted(*args: object) -> season_cache.Season:
            self.count += 1
            return await whole(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(standings_inputs, "_read_season", counted)


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> FullReads:
    return FullReads(monkeypatch)


@pytest.fixture(autouse=True)
def _no_season_kept() -> Iterator[None]:
    season_cache._SEASONS.clear()
    yield
    season_cache.configure(SEASONS_KEPT)
    season_cache._SEASONS.clear()


async def _current(factory: UnitOfWorkFactory, league: str) -> StandingsInputs:
    async with factory() as uow:
        _, inputs = await uow.standings.current(league, "engine")
    assert inputs is not None  # no tables stored: always computed
    return inputs


async def _truth(factory: UnitOfWorkFactory, league: str) -> StandingsInputs:
    async with factory() as uow:
        return await piece_by_piece(uow, league)


async def _league(factory: UnitOfWorkFactory, matches: int) -> str:
    league = f"liga-{next(_LEAGUES)}"
    await seed_league(
        factory,
        league,
        rounds=ROUNDS,
        matches=[
            match(
                f"{league}-m{index}",
                tournament_id=league,
                home=TEAMS[index % 4],
                away=TEAMS[(index + 1) % 4],
                round_slug=ROUNDS[index % 2],
                kickoff=T0 + timedelta(hours=index % 3),
            )
            for index in range(matches)
        ],
    )
    return league


# One committed write each, by SQL as any writer may make it: (what, which match, a value).
WRITES = st.tuples(
    st.sampled_from(
        ["result", "unplayed", "kickoff", "noop", "insert", "delete", "round", "kind", "read"]
    ),
    st.integers(0, 7),
    st.integers(0, 5),
)
# The writes that change rows of matches and nothing else: read without a whole season.
STAMPED = {"result", "unplayed", "kickoff", "noop", "insert", "round"}


async def _write(pool: asyncpg.Pool, league: str, write: tuple[str, int, int]) -> None:
    what, index, value = write
    key = f"scripted:{league}-m{index}"
    if what == "result":
        status = PLAYED[value % len(PLAYED)].value
        await pool.execute(
            "UPDATE matches SET status = $2, home_score = $3, away_score = 1,"
            " ended = CASE WHEN $2 = 'live' THEN NULL ELSE 'regular' END WHERE key = $1",
            key,
            status,
            value,
        )
    elif what == "unplayed":
        status = (MatchStatus.CANCELLED, MatchStatus.POSTPONED, MatchStatus.SCHEDULED)[value % 3]
        await pool.execute(
            "UPDATE matches SET status = $2, home_score = NULL, away_score = NULL, ended = NULL"
            " WHERE key = $1",
            key,
            status.value,
        )
    elif what == "kickoff":
        await pool.execute(
            "UPDATE matches SET kickoff = $2 WHERE key = $1", key, T0 + timedelta(hours=value)
        )
    elif what == "noop":
        await pool.execute("UPDATE matches SET status = status WHERE key = $1", key)
    elif what == "insert":
        await pool.execute(
            "INSERT INTO matches (provider, external_id, tournament_id, round_slug, home, away,"
            " status, kickoff, version) VALUES ('scripted', $1, $2, $3, 'scripted:a',"
            " 'scripted:c', 'finished', $4, 0) ON CONFLICT DO NOTHING",
            f"{league}-new{index}",
            league,
            ROUNDS[value % 3],
            T0 + timedelta(minutes=value),
        )
        await pool.execute(
            "UPDATE matches SET home_score = 2, away_score = 2, ended = 'regular'"
            " WHERE external_id = $1",
            f"{league}-new{index}",
        )
    elif what == "delete":
        await pool.execute("DELETE FROM matches WHERE key = $1", key)
    elif what == "round":
        await pool.execute(
            "UPDATE matches SET round_slug = $2 WHERE key = $1", key, ROUNDS[value % 3]
        )
    elif what == "kind":
        kind = RoundKind.KNOCKOUT if value % 2 else RoundKind.LEAGUE
        await pool.execute(
            "UPDATE rounds SET kind = $3 WHERE tournament_id = $1 AND slug = $2",
            league,
            ROUNDS[index % 3],
            kind.value,
        )


class TestKeptSeasons:
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(writes=st.lists(WRITES, min_size=1, max_size=12))
    async def test_inputs_stay_what_is_stored_whatever_is_written(
        self,
        postgres_pool: asyncpg.Pool,
        postgres_uow_factory: UnitOfWorkFactory,
        full_reads: FullReads,
        writes: list[tuple[str, int, int]],
    ) -> None:
        league = await _league(postgres_uow_factory, 8)
        assert await _current(postgres_uow_factory, league) == await _truth(
            postgres_uow_factory, league
        )
        for write in writes:
            read_whole = full_reads.count
            if write[0] == "read":  # `inputs` reads the season whole, and keeps it
                async with postgres_uow_factory() as uow:
                    await uow.standings.inputs(league)
            else:
                await _write(postgres_pool, league, write)
            inputs = await _current(postgres_uow_factory, league)
            assert inputs == await _truth(postgres_uow_factory, league), write
            kept = season_cache.kept(league)
            assert kept is not None
            assert kept.revision == inputs.revision
            if write[0] in STAMPED:
                assert full_reads.count == read_whole, write

    async def test_a_match_written_while_the_season_is_read_is_read_after_it_commits(
        self, postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
    ) -> None:
        league = await _league(postgres_uow_factory, 4)
        await _current(postgres_uow_factory, league)
        key = f"scripted:{league}-m0"
        async with postgres_pool.acquire() as writer, writer.transaction():
            await writer.execute(
                "UPDATE matches SET status = 'finished', home_score = 3, away_score = 0,"
                " ended = 'regular' WHERE key = $1",
                key,
            )
            # Stamped, not committed: a season read now is at the revision before it.
            before = await _current(postgres_uow_factory, league)
            assert before == await _truth(postgres_uow_factory, league)
            assert not any(result.played for result in before.results)
        after = await _current(postgres_uow_factory, league)
        assert after == await _truth(postgres_uow_factory, league)
        assert after.revision == before.revision + 1
        assert [result.home_goals for result in after.results if result.played] == [3]

    async def test_a_season_read_with_its_own_writes_is_not_kept_past_their_rollback(
        self,
        postgres_pool: asyncpg.Pool,
        postgres_uow_factory: UnitOfWorkFactory,
        full_reads: FullReads,
    ) -> None:
        league = await _league(postgres_uow_factory, 4)
        first = await _current(postgres_uow_factory, league)
        key = f"scripted:{league}-m1"
        async with postgres_uow_factory() as uow:
            await uow.matches.save_many([match(f"{league}-m9", tournament_id=league)])
            _, own = await uow.standings.current(league, "engine")
            assert own is not None
            assert len(own.results) == len(first.results) + 1
            await uow.rollback()
        assert season_cache.kept(league).revision == first.revision  # type: ignore[union-attr]
        # Another write now takes the revision the rolled-back one had.
        await postgres_pool.execute("UPDATE matches SET status = 'postponed' WHERE key = $1", key)
        inputs = await _current(postgres_uow_factory, league)
        assert inputs.revision == own.revision
        assert inputs == await _truth(postgres_uow_factory, league)
        assert full_reads.count == 1

    async def test_the_stamp_is_the_revision_its_write_raises_to(
        self, postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
    ) -> None:
        league = await _league(postgres_uow_factory, 4)
        stamps = """
            SELECT t.standings_revision, array_agg(m.input_revision ORDER BY m.key)
            FROM tournaments t JOIN matches m ON m.tournament_id = t.id
            WHERE t.id = $1 GROUP BY t.standings_revision"""
        revision, before = await _row(postgres_pool, stamps, league)
        assert max(before) <= revision
        # What stores what was stored changes nothing: no stamp, no raise.
        await postgres_pool.execute(
            "UPDATE matches SET status = status, version = version WHERE tournament_id = $1",
            league,
        )
        assert await _row(postgres_pool, stamps, league) == (revision, before)
        async with postgres_pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE matches SET version = version + 1 WHERE key = $1",
                f"scripted:{league}-m0",
            )
            await connection.execute(
                "UPDATE matches SET version = version + 1 WHERE key = $1",
                f"scripted:{league}-m2",
            )
        raised, after = await _row(postgres_pool, stamps, league)
        assert raised == revision + 2
        assert after == [revision + 1, before[1], revision + 2, before[3]]

    async def test_concurrent_writers_stamp_in_the_order_they_commit(
        self, postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
    ) -> None:
        # Writers that lock nothing first (a hand-typed UPDATE): the second one's stamp is taken
        # after the first one commits, so that no reader at the first one's revision misses it.
        league = await _league(postgres_uow_factory, 4)
        revision = await postgres_pool.fetchval(
            "SELECT standings_revision FROM tournaments WHERE id = $1", league
        )
        update = "UPDATE matches SET version = version + 1 WHERE key = $1"
        async with postgres_pool.acquire() as first, postgres_pool.acquire() as second:
            transaction = first.transaction()
            await transaction.start()
            await first.execute(update, f"scripted:{league}-m0")
            waiting = asyncio.ensure_future(second.execute(update, f"scripted:{league}-m1"))
            pid = second.get_server_pid()
            while not await postgres_pool.fetchval(
                "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
            ):
                assert not waiting.done()
                await asyncio.sleep(0.01)
            await transaction.commit()
            await waiting
        stamps = await postgres_pool.fetch(
            "SELECT key, input_revision FROM matches WHERE tournament_id = $1", league
        )
        stamped = {row["key"]: row["input_revision"] for row in stamps}
        assert stamped[f"scripted:{league}-m0"] == revision + 1
        assert stamped[f"scripted:{league}-m1"] == revision + 2

    async def test_a_database_gone_back_to_an_older_revision_is_read_whole(
        self,
        postgres_pool: asyncpg.Pool,
        postgres_uow_factory: UnitOfWorkFactory,
        full_reads: FullReads,
    ) -> None:
        # As a restore of older data over a running process leaves it: the same database and
        # table, the revision lower than the season kept, matches written since not stamped above
        # it.
        league = await _league(postgres_uow_factory, 4)
        await postgres_pool.execute(
            "UPDATE tournaments SET standings_revision = standings_revision + 10 WHERE id = $1",
            league,
        )
        await _current(postgres_uow_factory, league)
        async with postgres_pool.acquire() as connection, connection.transaction():
            await connection.execute("ALTER TABLE matches DISABLE TRIGGER USER")
            await connection.execute(
                "UPDATE matches SET status = 'postponed' WHERE key = $1",
                f"scripted:{league}-m0",
            )
            await connection.execute(
                "UPDATE tournaments SET standings_revision = standings_revision - 5 WHERE id = $1",
                league,
            )
            await connection.execute("ALTER TABLE matches ENABLE TRIGGER USER")
        inputs = await _current(postgres_uow_factory, league)
        assert inputs == await _truth(postgres_uow_factory, league)
        assert full_reads.count == 2
        assert season_cache.kept(league).revision == inputs.revision  # type: ignore[union-attr]

    async def test_tables_that_count_cards_read_the_season_whole(
        self, postgres_uow_factory: UnitOfWorkFactory, full_reads: FullReads
    ) -> None:
        league = await _league(postgres_uow_factory, 4)
        async with postgres_uow_factory() as uow:
            liga = await uow.tournaments.get(league)
            await uow.tournaments.save(evolve(liga, rules="fifa_world_cup"))
            await uow.commit()
        await _current(postgres_uow_factory, league)
        await _current(postgres_uow_factory, league)
        assert full_reads.count == 0
        assert season_cache.kept(league) is None


async def _row(pool: asyncpg.Pool, query: str, *arguments: object) -> tuple[Any, ...]:
    row = await pool.fetchrow(query, *arguments)
    assert row is not None
    return tuple(row)


class TestKeeping:
    def test_at_most_so_many_seasons_are_kept_the_least_recent_first_out(self) -> None:
        season_cache.configure(2)
        for name in ("a", "b", "c"):
            season_cache.keep(name, season_cache.Season.of("db", 1, "[]", ()))
        assert season_cache.kept("a") is None
        season_cache.keep("b", season_cache.Season.of("db", 2, "[]", ()))
        season_cache.keep("d", season_cache.Season.of("db", 1, "[]", ()))
        assert season_cache.kept("c") is None
        assert season_cache.kept("b") is not None

    def test_a_smaller_capacity_lets_the_least_recent_go_and_none_keeps_nothing(self) -> None:
        for name in ("a", "b", "c"):
            season_cache.keep(name, season_cache.Season.of("db", 1, "[]", ()))
        season_cache.configure(1)
        assert [season_cache.kept(name) is not None for name in "abc"] == [False, False, True]
        season_cache.configure(0)
        season_cache.keep("d", season_cache.Season.of("db", 1, "[]", ()))
        assert season_cache.kept("c") is None
        assert season_cache.kept("d") is None
        with pytest.raises(ValueError, match="-1"):
            season_cache.configure(-1)

    async def test_a_process_that_keeps_none_reads_each_season_whole(
        self, postgres_uow_factory: UnitOfWorkFactory, full_reads: FullReads
    ) -> None:
        season_cache.configure(0)
        league = await _league(postgres_uow_factory, 4)
        for _ in range(2):
            assert await _current(postgres_uow_factory, league) == await _truth(
                postgres_uow_factory, league
            )
        assert full_reads.count == 2

    async def test_the_setting_is_what_an_opened_database_keeps(
        self, postgres_url: str, tmp_path: Path
    ) -> None:
        config = DatabaseConfig(postgres_url, tmp_path, PoolConfig(), seasons_kept=1)
        async with open_database(config, migrate=False):
            for name in ("a", "b"):
                season_cache.keep(name, season_cache.Season.of("db", 1, "[]", ()))
        assert season_cache.kept("a") is None
        assert season_cache.kept("b") is not None

    def test_an_older_season_does_not_replace_a_newer_one_of_the_same_database(self) -> None:
        season_cache.keep("a", season_cache.Season.of("db", 5, "[]", ()))
        season_cache.keep("a", season_cache.Season.of("db", 4, "[]", ()))
        assert season_cache.kept("a").revision == 5  # type: ignore[union-attr]
        season_cache.keep("a", season_cache.Season.of("other db", 1, "[]", ()))
        assert season_cache.kept("a").database == "other db"  # type: ignore[union-attr]
