"""`StandingsRepository.save_if_current`: tables computed outside the lock are stored only if
nothing they were computed from changed since the status they were computed against, and only
if no other tables were stored meanwhile; the tournament stays locked until the unit of work
ends."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bestshot_domain.errors import NotFound
from bestshot_domain.model import PointAdjustment, StandingsSnapshot, StandingsStatus
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import (
    MatchResult,
    Table,
    TeamEntry,
    compute_standings,
    parse_zones,
    preset,
)
from tests.builders import T0
from tests.contracts.seed import seed_league

DEADLOCK_GUARD = 10.0  # seconds; only reached when an adapter deadlocks


def tables(at_minutes: int, revision: int) -> StandingsSnapshot:
    return StandingsSnapshot(
        "liga-test", "premier_league", T0 + timedelta(minutes=at_minutes), revision=revision
    )


async def status_now(uow_factory: UnitOfWorkFactory) -> StandingsStatus:
    async with uow_factory() as uow:
        return await uow.standings.status("liga-test")


async def store(uow_factory: UnitOfWorkFactory, snapshot: StandingsSnapshot) -> None:
    async with uow_factory() as uow:
        await uow.standings.save(snapshot)
        await uow.commit()


async def stored(uow_factory: UnitOfWorkFactory) -> StandingsSnapshot | None:
    async with uow_factory() as uow:
        return await uow.standings.get("liga-test")


async def test_stores_when_nothing_changed_since_the_status(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_league(uow_factory)
    seen = await status_now(uow_factory)  # no tables yet
    first = tables(1, seen.revision)
    async with uow_factory() as uow:
        assert await uow.standings.save_if_current(first, seen)
        await uow.commit()
    assert await stored(uow_factory) == first
    # And over stored tables, as a later update does.
    seen = await status_now(uow_factory)
    second = tables(2, seen.revision)
    async with uow_factory() as uow:
        assert await uow.standings.save_if_current(second, seen)
        await uow.commit()
    assert await stored(uow_factory) == second


async def test_refuses_once_an_input_changed(uow_factory: UnitOfWorkFactory) -> None:
    await seed_league(uow_factory)
    await store(uow_factory, tables(1, 0))
    seen = await status_now(uow_factory)
    async with uow_factory() as uow:  # a point deduction lands while the tables are computed
        await uow.adjustments.save(PointAdjustment("liga-test", "scripted:a", -3, "wages"))
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.standings.save_if_current(tables(2, seen.revision), seen)
        await uow.commit()
    assert await stored(uow_factory) == tables(1, 0)


async def test_refuses_once_other_tables_were_stored(uow_factory: UnitOfWorkFactory) -> None:
    await seed_league(uow_factory)
    seen = await status_now(uow_factory)
    await store(uow_factory, tables(1, seen.revision))  # another update was quicker
    async with uow_factory() as uow:
        assert not await uow.standings.save_if_current(tables(2, seen.revision), seen)
        await uow.commit()
    assert await stored(uow_factory) == tables(1, seen.revision)

    seen = await status_now(uow_factory)
    await store(uow_factory, tables(3, seen.revision))
    async with uow_factory() as uow:
        assert not await uow.standings.save_if_current(tables(4, seen.revision), seen)
    assert await stored(uow_factory) == tables(3, seen.revision)


async def test_nothing_is_stored_unless_committed(uow_factory: UnitOfWorkFactory) -> None:
    await seed_league(uow_factory)
    seen = await status_now(uow_factory)
    async with uow_factory() as uow:
        assert await uow.standings.save_if_current(tables(1, seen.revision), seen)
    assert await stored(uow_factory) is None


async def test_the_tournament_stays_locked_until_the_unit_of_work_ends(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_league(uow_factory)
    seen = await status_now(uow_factory)
    events: list[str] = []
    saved = asyncio.Event()

    async def saver() -> None:
        async with uow_factory() as uow:
            assert await uow.standings.save_if_current(tables(1, seen.revision), seen)
            events.append("saved")
            saved.set()
            await asyncio.sleep(0.05)  # the round update must be waiting by now
            events.append("committed")
            await uow.commit()

    async def round_update() -> None:
        await saved.wait()
        async with uow_factory() as uow:
            await uow.tournaments.lock("liga-test")
            events.append("round update locked")

    await asyncio.wait_for(asyncio.gather(saver(), round_update()), DEADLOCK_GUARD)
    assert events == ["saved", "committed", "round update locked"]


# Tables computed again to the same values: what a standings update finds when a kickoff moved or
# a result was corrected back. The computed tables are then stored without their tables being
# written again where the technology allows (PostgreSQL: the snapshot's row alone); what is read
# back is the same either way.

ENGINE = "engine 1"


def computed(
    groups: str = "AB", winner_first: bool = True, deduction: int = 0
) -> tuple[Table, ...]:
    """Tables computed afresh (equal values each time, never the same objects): teams a-d, two
    to a group of `groups` ("BA": group B's table first; "": one table of a and b), each pair's
    match won by its first team unless not `winner_first`, `deduction` points taken from a."""
    keys = "abcd"[: 2 * max(len(groups), 1)]
    teams = [
        TeamEntry(f"scripted:{key}", key.upper(), groups[i // 2] if groups else None)
        for i, key in enumerate(keys)
    ]
    home, away = (1, 0) if winner_first else (0, 1)
    results = [
        MatchResult(teams[i].id, teams[i + 1].id, home, away, T0) for i in range(0, len(teams), 2)
    ]
    points = {"scripted:a": -deduction} if deduction else {}
    tables = compute_standings(
        preset("fifa_world_cup"), teams, results, points, parse_zones("1:first")
    )
    return tables[::-1] if groups == "BA" else tables


def snapshot_of(
    at_minutes: int,
    revision: int,
    tables: tuple[Table, ...],
    engine: str = ENGINE,
    progress: dict[str, str] | None = None,
) -> StandingsSnapshot:
    return StandingsSnapshot(
        "liga-test",
        "premier_league",  # the tournament's: the tables stored are current at `revision`
        T0 + timedelta(minutes=at_minutes),
        tables,
        revision,
        engine,
        progress=progress or {},
        digests={table.group: f"{at_minutes}" for table in tables if table.group is not None},
    )


async def raise_revision(uow_factory: UnitOfWorkFactory, reason: str = "wages") -> None:
    async with uow_factory() as uow:  # a point deduction lands: what the tables count changed
        await uow.adjustments.save(PointAdjustment("liga-test", "scripted:a", -3, reason))
        await uow.commit()


# The tables stored first, and the keywords of `computed` for the tables saved next.
NEXT_TABLES: dict[str, tuple[str, dict[str, Any]]] = {
    "the same tables": ("AB", {}),
    "rows that changed places": ("AB", {"winner_first": False}),
    "one row changed": ("AB", {"deduction": 1}),
    "the groups in another order": ("AB", {"groups": "BA"}),
    "a group added": ("A", {"groups": "AB"}),
    "a group gone": ("AB", {"groups": "A"}),
    "one table for the groups": ("AB", {"groups": ""}),
}


@pytest.mark.parametrize("engine", [ENGINE, "engine 2", ""])
@pytest.mark.parametrize("case", NEXT_TABLES)
async def test_tables_computed_again_are_stored_with_their_snapshot(
    uow_factory: UnitOfWorkFactory, case: str, engine: str
) -> None:
    stored_groups, then = NEXT_TABLES[case]
    await seed_league(uow_factory)
    await store(uow_factory, snapshot_of(1, 0, computed(stored_groups)))
    await raise_revision(uow_factory)
    seen = await status_now(uow_factory)
    # Every column of the snapshot's row changes, whatever its tables do.
    tables = computed(**then)
    saved = snapshot_of(2, seen.revision, tables, engine, progress={"scripted:a": "group"})
    async with uow_factory() as uow:
        assert await uow.standings.save_if_current(saved, seen)
        await uow.commit()
    assert await stored(uow_factory) == saved
    now = await status_now(uow_factory)
    assert now.snapshot == saved
    assert now.reusable(engine) == (saved if engine else None)


@pytest.mark.parametrize("case", ["the same tables", "one row changed", "a group gone"])
@pytest.mark.parametrize("meanwhile", ["another save", "a revision raise", "both"])
async def test_tables_computed_again_are_refused_once_stale(
    uow_factory: UnitOfWorkFactory, case: str, meanwhile: str
) -> None:
    stored_groups, then = NEXT_TABLES[case]
    await seed_league(uow_factory)
    await store(uow_factory, snapshot_of(1, 0, computed(stored_groups)))
    seen = await status_now(uow_factory)
    if meanwhile != "another save":
        await raise_revision(uow_factory)
    if meanwhile != "a revision raise":  # the same tables, computed by a quicker update
        await store(uow_factory, snapshot_of(2, seen.revision, computed(stored_groups)))
    before = await stored(uow_factory)
    async with uow_factory() as uow:
        assert not await uow.standings.save_if_current(
            snapshot_of(3, seen.revision, computed(**then)), seen
        )
        await uow.commit()
    assert await stored(uow_factory) == before


_instants = itertools.count(1)  # minutes after T0: every snapshot's own computed_at
TABLES = st.tuples(st.sampled_from(["", "A", "AB", "BA"]), st.booleans(), st.sampled_from([0, 1]))
SAVES = st.tuples(
    # `computed`'s inputs and the engine, or None: the stored tables computed again (equal
    # values, other objects) by the same engine.
    st.none() | st.tuples(TABLES, st.sampled_from([ENGINE, "engine 2", ""])),
    st.sampled_from(["save", "if current", "after another save", "after a revision raise"]),
)


def computed_again(stored: StandingsSnapshot | None) -> tuple[tuple[Table, ...], str]:
    if stored is None:
        return computed(), ENGINE
    return tuple(Table.from_dict(table.to_dict()) for table in stored.tables), stored.engine


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(SAVES, min_size=1, max_size=6))
async def test_what_is_read_back_is_the_last_snapshot_stored(
    uow_factory: UnitOfWorkFactory,
    steps: list[tuple[tuple[tuple[str, bool, int], str] | None, str]],
) -> None:
    # Each example goes on from what the last one stored: the property holds from any state.
    try:
        await status_now(uow_factory)
    except NotFound:
        await seed_league(uow_factory)
    for drawn, how in steps:
        seen = await status_now(uow_factory)
        if drawn is None:
            tables, engine = computed_again(seen.snapshot)
        else:
            tables, engine = computed(*drawn[0]), drawn[1]
        snapshot = snapshot_of(next(_instants), seen.revision, tables, engine)
        last = seen.snapshot
        if how == "after another save":  # what an update of the same inputs would store
            last = snapshot_of(next(_instants), seen.revision, tables, engine)
            await store(uow_factory, last)
        elif how == "after a revision raise":
            await raise_revision(uow_factory, f"reason {next(_instants)}")
        if how == "save":
            await store(uow_factory, snapshot)
        else:
            async with uow_factory() as uow:
                written = await uow.standings.save_if_current(snapshot, seen)
                await uow.commit()
            assert written == (how == "if current")
        if how in ("save", "if current"):
            last = snapshot
        assert await stored(uow_factory) == last
        assert (await status_now(uow_factory)).snapshot == last
