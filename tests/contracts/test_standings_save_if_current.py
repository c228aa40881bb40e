"""`StandingsRepository.save_if_current`: tables computed outside the lock are stored only if
nothing they were computed from changed since the status they were computed against, and only
if no other tables were stored meanwhile; the tournament stays locked until the unit of work
ends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bestshot_domain.model import PointAdjustment, StandingsSnapshot, StandingsStatus
from bestshot_domain.ports import UnitOfWorkFactory
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
