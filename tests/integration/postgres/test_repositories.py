"""The PostgreSQL repositories and unit of work against a real server (beyond the contract suites):
what PostgreSQL adds (transactions, constraints, locks, batching) and how its errors surface."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest
from attrs import evolve

from adapters.postgres import PoolConfig, create_pool, unit_of_work_factory
from adapters.postgres.errors import storage_errors
from bestshot_domain.errors import Conflict, InvalidInput, NotFound, StorageUnavailable
from bestshot_domain.model import (
    Cards,
    Ending,
    Match,
    MatchDiscipline,
    MatchState,
    MatchStatus,
    Membership,
    PointAdjustment,
    Score,
    StandingsSnapshot,
    Team,
)
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import MatchResult, TeamEntry, compute_standings, parse_zones, preset
from tests.integration.postgres.samples import (
    KICKOFF,
    PROVIDER,
    TOURNAMENT,
    finish,
    store_league,
    wait_for_lock_waiters,
)

pytestmark = pytest.mark.integration


async def test_a_league_round_trips(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        matches = await store_league(uow, round_count=2)
        await uow.commit()
    async with postgres_uow_factory() as uow:
        assert await uow.tournaments.get(TOURNAMENT.id) == TOURNAMENT
        assert await uow.tournaments.list() == [TOURNAMENT]
        stored = await uow.matches.for_tournament(TOURNAMENT.id)
        assert sorted(stored, key=lambda m: m.key) == sorted(matches, key=lambda m: m.key)
        assert [m.kickoff for m in stored] == sorted(m.kickoff for m in stored)
        first_round = await uow.matches.for_round(TOURNAMENT.id, "matchday-1")
        assert {m.round_slug for m in first_round} == {"matchday-1"}
        assert len(first_round) == 10
        rounds = await uow.rounds.list(TOURNAMENT.id)
        assert [r.slug for r in rounds] == ["matchday-1", "matchday-2"]
        members = await uow.teams.members(TOURNAMENT.id)
        assert [m.team for m in members] == sorted(m.team for m in members)
        teams = await uow.teams.get_many([members[0].team, "demo:nobody"])
        assert list(teams) == [members[0].team]


async def test_leaving_without_commit_rolls_back(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        await uow.tournaments.save(TOURNAMENT)
    async with postgres_uow_factory() as uow:
        assert await uow.tournaments.list() == []
        with pytest.raises(NotFound, match="liga-test"):
            await uow.tournaments.get(TOURNAMENT.id)


async def test_an_error_inside_the_block_rolls_back(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async def fail_after_a_commit() -> None:
        async with postgres_uow_factory() as uow:
            await uow.tournaments.save(TOURNAMENT)
            await uow.commit()
            await uow.tournaments.save(evolve(TOURNAMENT, label="Renamed"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_a_commit()
    async with postgres_uow_factory() as uow:
        assert (await uow.tournaments.get(TOURNAMENT.id)).label == "Liga Test"


async def test_a_version_conflict_writes_nothing(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        matches = await store_league(uow)
        await uow.commit()
    first, second = matches[0], matches[1]
    done, _ = finish(first, 2, 1, KICKOFF)
    stale = evolve(second, version=second.version + 5)  # not stored version + 1
    async with postgres_uow_factory() as uow:
        with pytest.raises(Conflict, match=second.key):
            await uow.matches.save_many([done, stale])
    async with postgres_uow_factory() as uow:
        stored = {m.key: m for m in await uow.matches.for_round(TOURNAMENT.id, "matchday-1")}
    assert stored[first.key] == first
    assert stored[second.key] == second


async def test_a_stale_writer_loses_to_a_committed_one(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        await uow.commit()
    mine, _ = finish(match, 1, 0, KICKOFF)
    theirs, _ = finish(match, 0, 3, KICKOFF)
    async with postgres_uow_factory() as uow:
        await uow.matches.save_many([theirs])
        await uow.commit()
    async with postgres_uow_factory() as uow:
        with pytest.raises(Conflict, match="changed by someone else"):
            await uow.matches.save_many([mine])
    async with postgres_uow_factory() as uow:
        (stored,) = [
            m
            for m in await uow.matches.for_round(TOURNAMENT.id, "matchday-1")
            if m.key == match.key
        ]
    assert stored.score == Score(0, 3)
    assert stored.version == match.version + 1


async def test_changes_keep_their_order_and_states(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        matches = await store_league(uow)
        updates = [finish(m, n % 4, 1, KICKOFF + timedelta(hours=2)) for n, m in enumerate(matches)]
        await uow.matches.save_many([u for u, _ in updates])
        await uow.changes.record_many([c for _, c in updates])
        await uow.commit()
    async with postgres_uow_factory() as uow:
        history = await uow.changes.for_tournament(TOURNAMENT.id)
        one = await uow.changes.for_match(matches[3].key)
    assert list(history) == [c for _, c in updates]
    assert list(one) == [updates[3][1]]


async def test_penalty_shootouts_round_trip(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        after = MatchState(
            MatchStatus.FINISHED, match.kickoff, Score(1, 1), Ending.PENALTIES, Score(5, 4)
        )
        final = evolve(match, state=after, version=1, group="Group A")
        await uow.matches.save_many([final])
        await uow.commit()
    async with postgres_uow_factory() as uow:
        stored = await uow.matches.kicking_off(match.kickoff, match.kickoff + timedelta(seconds=1))
    assert final in stored
    assert all(match.kickoff == m.kickoff for m in stored)


async def test_membership_is_replaced(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        await store_league(uow, team_count=4, matches_per_round=2)
        keys = [m.team for m in await uow.teams.members(TOURNAMENT.id)]
        await uow.teams.set_members(
            TOURNAMENT.id,
            [Membership(TOURNAMENT.id, keys[3], "B"), Membership(TOURNAMENT.id, keys[0], "A")],
        )
        members = await uow.teams.members(TOURNAMENT.id)
    assert members == [
        Membership(TOURNAMENT.id, keys[0], "A"),
        Membership(TOURNAMENT.id, keys[3], "B"),
    ]


async def test_adjustments_and_discipline(postgres_uow_factory: UnitOfWorkFactory) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        deduction = PointAdjustment(TOURNAMENT.id, match.home, -10, "administration")
        await uow.adjustments.save(deduction)
        await uow.adjustments.save(evolve(deduction, points=-9))
        cards = MatchDiscipline(match.key, match.away, Cards(yellow=3, red=1))
        await uow.discipline.save_many([cards, evolve(cards, cards=Cards(yellow=2))])
        await uow.commit()
    async with postgres_uow_factory() as uow:
        assert await uow.adjustments.for_tournament(TOURNAMENT.id) == [evolve(deduction, points=-9)]
        assert await uow.discipline.for_tournament(TOURNAMENT.id) == [
            evolve(cards, cards=Cards(yellow=2))
        ]
        assert await uow.standings.get(TOURNAMENT.id) is None


async def test_text_is_ordered_by_code_point_whatever_the_locale(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    ids = ["b-liga", "a.liga", "a-liga", "a_liga", "0-liga", "aliga", "a1"]
    async with postgres_uow_factory() as uow:
        for tournament_id in ids:
            await uow.tournaments.save(evolve(TOURNAMENT, id=tournament_id))
        listed = [t.id for t in await uow.tournaments.list()]
    assert listed == sorted(ids)


# The rules the schema enforces itself, whoever writes.


async def test_the_schema_refuses_a_shootout_without_penalties(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        wrong = MatchState(
            MatchStatus.FINISHED, match.kickoff, Score(1, 1), Ending.REGULAR, Score(4, 3)
        )
        with pytest.raises(InvalidInput, match="match_shootout_only_with_penalties"):
            await uow.matches.save_many([evolve(match, state=wrong, version=1)])


async def test_the_schema_refuses_an_id_that_is_no_slug(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        with pytest.raises(InvalidInput, match="tournament_id_is_a_slug"):
            await uow.tournaments.save(evolve(TOURNAMENT, id="Liga Test/../x"))


async def test_the_schema_refuses_a_score_on_a_postponed_match(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        wrong = MatchState(MatchStatus.POSTPONED, match.kickoff, Score(0, 0))
        with pytest.raises(InvalidInput, match="match_unplayed_has_no_score"):
            await uow.matches.save_many([evolve(match, state=wrong, version=1)])


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE matches SET home_score = -1, away_score = 0", "match_home_score_non_negative"),
        ("UPDATE matches SET status = 'over'", "match_status_known"),
        ("UPDATE matches SET away = home", "match_sides_differ"),
        ("UPDATE matches SET ended = 'penalties', status = 'live'", "match_ending_only_when_over"),
        ("UPDATE match_discipline SET red = -1", "discipline_red_non_negative"),
    ],
)
async def test_the_schema_refuses_what_python_would_never_write(
    postgres_uow_factory: UnitOfWorkFactory,
    postgres_pool: asyncpg.Pool,
    statement: str,
    constraint: str,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        await uow.discipline.save_many([MatchDiscipline(match.key, match.home, Cards())])
        await uow.commit()
    with pytest.raises(InvalidInput, match=constraint), storage_errors():
        await postgres_pool.execute(statement)


async def test_a_failed_write_is_undone_and_the_unit_of_work_goes_on(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        stranger = evolve(match, external_id="new-1", home=f"{PROVIDER}:nobody")
        with pytest.raises(NotFound, match=f"{PROVIDER}:nobody"):
            await uow.matches.save_many([evolve(match, external_id="new-0"), stranger])
        # PostgreSQL would refuse every statement of an aborted transaction; a savepoint saved it.
        await uow.tournaments.save(evolve(TOURNAMENT, label="Still writable"))
        await uow.commit()
    async with postgres_uow_factory() as uow:
        assert len(await uow.matches.for_tournament(TOURNAMENT.id)) == 10
        assert (await uow.tournaments.get(TOURNAMENT.id)).label == "Still writable"


async def test_a_duplicate_key_is_a_conflict(postgres_pool: asyncpg.Pool) -> None:
    insert = "INSERT INTO teams (provider, external_id, name) VALUES ('demo', '1', 'One')"
    await postgres_pool.execute(insert)
    unique = r"teams_pkey|team_provider_external_id_unique"
    with pytest.raises(Conflict, match=unique), storage_errors():
        await postgres_pool.execute(insert)


async def test_one_match_twice_in_a_batch_is_invalid(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        with pytest.raises(InvalidInput, match="twice"):
            await uow.matches.save_many([match, match])


async def test_teams_saved_twice_in_a_batch_keep_the_last(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        await uow.teams.save_many([Team(PROVIDER, "x", "Old"), Team(PROVIDER, "x", "New")])
        assert (await uow.teams.get_many([f"{PROVIDER}:x"]))[f"{PROVIDER}:x"].name == "New"


# Locks, timeouts and lost connections.


async def test_lock_serializes_two_units_of_work(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    async with postgres_uow_factory() as uow:
        await uow.tournaments.save(TOURNAMENT)
        await uow.commit()
    order: list[str] = []
    first_holds = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with postgres_uow_factory() as uow:
            await uow.tournaments.lock(TOURNAMENT.id)
            order.append("first locked")
            first_holds.set()
            await release_first.wait()
            order.append("first done")
            await uow.commit()

    async def second() -> None:
        await first_holds.wait()
        async with postgres_uow_factory() as uow:
            await uow.tournaments.lock(TOURNAMENT.id)
            order.append("second locked")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_holds.wait()
    # The second waits on the row lock, as PostgreSQL itself reports.
    await wait_for_lock_waiters(postgres_pool, 1)
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first locked", "first done", "second locked"]


async def test_lock_of_an_unknown_tournament_is_not_found(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        with pytest.raises(NotFound, match="nowhere"):
            await uow.tournaments.lock("nowhere")


async def test_a_statement_timeout_is_storage_unavailable(
    postgres_url: str, postgres_uow_factory: UnitOfWorkFactory
) -> None:
    async with postgres_uow_factory() as uow:
        await uow.tournaments.save(TOURNAMENT)
        await uow.commit()
    impatient = PoolConfig(min_size=1, max_size=1, statement_timeout=0.2, command_timeout=5)
    pool = await create_pool(postgres_url, impatient)
    try:
        async with postgres_uow_factory() as holder:
            await holder.tournaments.lock(TOURNAMENT.id)
            async with unit_of_work_factory(pool, impatient)() as waiter:
                with pytest.raises(StorageUnavailable, match="statement timeout"):
                    await waiter.tournaments.lock(TOURNAMENT.id)
    finally:
        await pool.close()


async def test_a_lost_connection_is_storage_unavailable_and_writes_nothing(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    async with postgres_uow_factory() as uow:
        await uow.tournaments.save(TOURNAMENT)
        await uow.commit()
        await uow.tournaments.save(evolve(TOURNAMENT, label="Half written"))
        pid = uow.connection.get_server_pid()  # type: ignore[attr-defined]
        await postgres_pool.execute("SELECT pg_terminate_backend($1)", pid)
        with pytest.raises(StorageUnavailable, match="connection"):
            await uow.tournaments.get(TOURNAMENT.id)
    async with postgres_uow_factory() as uow:
        assert (await uow.tournaments.get(TOURNAMENT.id)).label == "Liga Test"


async def test_an_unreachable_server_is_storage_unavailable(tmp_path: object) -> None:
    with pytest.raises(StorageUnavailable, match=r"cannot be reached|refused|lost"):
        await create_pool(
            f"postgresql://bestshot:secret-password@/bestshot?host={tmp_path}&port=1",
            PoolConfig(min_size=1, connect_timeout=2),
        )


async def test_a_malformed_url_is_invalid_input_without_the_password() -> None:
    with pytest.raises(InvalidInput) as caught:
        await create_pool("postgresql://user:hunter2@host:notaport/db")
    assert "hunter2" not in str(caught.value)


def test_pool_config_is_checked() -> None:
    with pytest.raises(InvalidInput, match="minimum size"):
        PoolConfig(min_size=5, max_size=2)
    with pytest.raises(InvalidInput, match="max_size"):
        PoolConfig(max_size=0)
    assert PoolConfig(statement_timeout=1.5).server_settings()["statement_timeout"] == "1500"


async def test_a_match_moves_between_rounds_when_the_source_says_so(
    postgres_uow_factory: UnitOfWorkFactory,
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow, round_count=2))[0]
        moved: Match = evolve(match, round_slug="matchday-2", version=match.version + 1)
        await uow.matches.save_many([moved])
        await uow.commit()
    async with postgres_uow_factory() as uow:
        assert moved in await uow.matches.for_round(TOURNAMENT.id, "matchday-2")
        assert match.key not in {
            m.key for m in await uow.matches.for_round(TOURNAMENT.id, "matchday-1")
        }


async def test_standings_rows_are_columns_a_query_can_read_and_the_schema_checks(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    teams = [
        TeamEntry(f"{PROVIDER}:{key}", key.upper(), "AB"[i // 2]) for i, key in enumerate("abcd")
    ]
    results = [
        MatchResult(f"{PROVIDER}:a", f"{PROVIDER}:b", 3, 1, KICKOFF),
        MatchResult(f"{PROVIDER}:c", f"{PROVIDER}:d", 0, 0, KICKOFF),
    ]
    tables = compute_standings(preset("fifa_world_cup"), teams, results, {}, parse_zones("1:first"))
    snapshot = StandingsSnapshot(TOURNAMENT.id, "fifa_world_cup", KICKOFF, tables)
    async with postgres_uow_factory() as uow:
        await uow.tournaments.save(TOURNAMENT)
        await uow.standings.save(snapshot)
        await uow.commit()

    rows = await postgres_pool.fetch(
        """
        SELECT t.group_name, r.position, r.team, r.played, r.won, r.points,
               r.detail->>'zone' AS zone
        FROM standings_rows r JOIN standings_tables t USING (tournament_id, table_index)
        ORDER BY r.table_index, r.row_index
        """
    )
    assert [tuple(row) for row in rows] == [
        (table.group, row.position, row.team, row.played, row.won, row.points, row.zone)
        for table in tables
        for row in table.rows
    ]
    with pytest.raises(InvalidInput, match="standings_played_adds_up"), storage_errors():
        await postgres_pool.execute("UPDATE standings_rows SET played = played + 1")


async def test_a_write_cancelled_while_it_waits_leaves_nothing_and_the_pool_works(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    async with postgres_uow_factory() as uow:
        match = (await store_league(uow))[0]
        await uow.commit()
    mine, _ = finish(match, 1, 0, KICKOFF)
    theirs, _ = finish(match, 2, 2, KICKOFF)

    async def blocked_writer() -> None:
        async with postgres_uow_factory() as uow:
            await uow.matches.save_many([theirs])  # waits for the holder's row lock
            await uow.commit()

    async with postgres_uow_factory() as holder:
        await holder.matches.save_many([mine])
        waiter = asyncio.create_task(blocked_writer())
        await wait_for_lock_waiters(postgres_pool, 1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await holder.commit()
    async with postgres_uow_factory() as uow:
        (stored,) = [
            m for m in await uow.matches.for_tournament(TOURNAMENT.id) if m.key == match.key
        ]
    assert stored == mine


async def test_the_transaction_opens_with_the_first_lock_or_write(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    async with postgres_uow_factory() as uow:
        await store_league(uow)
        await uow.commit()
    async with postgres_uow_factory() as uow:
        connection = uow.connection  # type: ignore[attr-defined]
        await uow.tournaments.get(TOURNAMENT.id)
        await uow.matches.for_tournament(TOURNAMENT.id)
        assert not connection.is_in_transaction()  # reads alone cost no BEGIN nor ROLLBACK
        await uow.tournaments.lock(TOURNAMENT.id)
        assert connection.is_in_transaction()
        # The lock holds until the unit of work ends: another locker waits.
        async with postgres_pool.acquire() as other:
            with pytest.raises(asyncpg.LockNotAvailableError):
                async with other.transaction():
                    await other.execute(
                        "SELECT 1 FROM tournaments WHERE id = $1 FOR NO KEY UPDATE NOWAIT",
                        TOURNAMENT.id,
                    )
        await uow.commit()
        assert not connection.is_in_transaction()
        await uow.tournaments.save(evolve(TOURNAMENT, label="Written after the commit"))
        assert connection.is_in_transaction()  # a write opens the next one
        await uow.rollback()
        await uow.begin()  # type: ignore[attr-defined]
        assert connection.is_in_transaction()
    async with postgres_uow_factory() as uow:
        assert (await uow.tournaments.get(TOURNAMENT.id)).label == TOURNAMENT.label
