"""`StandingsRepository.status` read again and again (PATCH standings of an unchanged
tournament): always the snapshot stored now, even one stored at the same revision and time."""

from __future__ import annotations

from bestshot_domain.model import StandingsSnapshot
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import TeamEntry, compute_standings, parse_zones, preset
from tests.builders import T0
from tests.contracts.seed import seed_league


def snapshot(names: str, revision: int = 0) -> StandingsSnapshot:
    teams = [
        TeamEntry(f"scripted:{key}", name, None) for key, name in zip("abcd", names, strict=True)
    ]
    tables = compute_standings(preset("premier_league"), teams, [], {}, parse_zones(""))
    return StandingsSnapshot("liga-test", "premier_league", T0, tables, revision=revision)


async def test_status_gives_the_snapshot_stored_now(uow_factory: UnitOfWorkFactory) -> None:
    await seed_league(uow_factory)
    first, second = snapshot("ABCD"), snapshot("WXYZ")  # the same revision and time
    assert first != second
    for stored in (first, second):
        async with uow_factory() as uow:
            await uow.standings.save(stored)
            await uow.commit()
        for _ in range(2):
            async with uow_factory() as uow:
                assert (await uow.standings.status("liga-test")).snapshot == stored


async def test_status_in_a_unit_of_work_gives_what_it_stored_until_rolled_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_league(uow_factory)
    first, second = snapshot("ABCD"), snapshot("WXYZ")
    async with uow_factory() as uow:
        await uow.standings.save(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.standings.status("liga-test")).snapshot == first
        await uow.standings.save(second)
        assert (await uow.standings.status("liga-test")).snapshot == second
        await uow.standings.save(first)
        assert (await uow.standings.status("liga-test")).snapshot == first
        await uow.standings.save(second)
    async with uow_factory() as uow:
        assert (await uow.standings.status("liga-test")).snapshot == first
