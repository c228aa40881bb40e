"""Tables still current are answered without the tournament's lock; tables to compute wait
for it, so that no round update lands between reading the results and storing the tables."""

from __future__ import annotations

import asyncio

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
