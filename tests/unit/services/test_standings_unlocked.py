"""Tables still current are answered without the tournament's lock; tables to compute are
computed without it too, and stored under it only if no write landed since their inputs were
read: a round update never lands between reading the results and storing the tables."""

from __future__ import annotations

import asyncio

from bestshot_domain.model import PointAdjustment
from tests.builders import observation
from tests.unit.services.conftest import LIGA, World


async def test_current_tables_are_answered_while_another_holds_the_lock(imported: World) -> None:
    world = imported
    first = await world.update_standings()
    async with world.uow_factory() as holder:
        await holder.tournaments.lock(LIGA)
        assert await asyncio.wait_for(world.update_standings(), timeout=5) == first


async def test_tables_to_compute_wait_for_the_lock_and_see_what_its_holder_wrote(
    imported: World,
) -> None:
    world = imported
    first = await world.update_standings()
    world.source.report("liga", observation("matchday-1-t1-t4", score=(2, 0)))
    await world.update_round("matchday-1")
    async with world.uow_factory() as holder:
        await holder.tournaments.lock(LIGA)
        waiting = asyncio.create_task(world.update_standings())
        await asyncio.sleep(0.05)
        assert not waiting.done()
    computed = await asyncio.wait_for(waiting, timeout=5)
    assert computed != first
    assert computed.revision > first.revision


async def test_tables_computed_before_a_write_landed_are_computed_again_after_it(
    imported: World,
) -> None:
    # The tables are computed from one read, outside the lock; a deduction committed by the
    # lock's holder in the meantime makes them stale, so they are not stored: they are
    # computed again, under the lock, from what the holder wrote.
    world = imported
    first = await world.update_standings()
    world.source.report("liga", observation("matchday-1-t1-t4", score=(2, 0)))
    await world.update_round("matchday-1")
    team = first.tables[0].rows[0].team
    async with world.uow_factory() as holder:
        await holder.tournaments.lock(LIGA)
        waiting = asyncio.create_task(world.update_standings())
        await asyncio.sleep(0.05)  # read and computed by now, waiting to store them
        assert not waiting.done()
        await holder.adjustments.save(PointAdjustment(LIGA, team, -3, "wages"))
        await holder.commit()
    computed = await asyncio.wait_for(waiting, timeout=5)
    async with world.uow_factory() as uow:
        status = await uow.standings.status(LIGA)
    assert computed == status.snapshot  # stored, and at the revision after the deduction
    assert computed.revision == status.revision
    row = next(row for row in computed.tables[0].rows if row.team == team)
    # 3 points a win, 1 a draw: what the results give, less the deduction.
    assert row.points == 3 * row.won + row.drawn - 3
