"""`update_standings` answers with the stored tables when nothing they are computed from changed,
and computes them again after any write that could change them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import attrs
import pytest

from bestshot_domain import services
from bestshot_domain.model import (
    Cards,
    MatchDiscipline,
    MatchStatus,
    Membership,
    PointAdjustment,
    RoundKind,
    StandingsSnapshot,
)
from bestshot_domain.ports import UnitOfWork
from bestshot_domain.tables import engine_fingerprint
from tests.builders import T0, observation, round_, team
from tests.unit.services.conftest import LIGA, World

FIRST = "matchday-1-t1-t4"


async def stored(world: World) -> StandingsSnapshot | None:
    async with world.uow_factory() as uow:
        return await uow.standings.get(LIGA)


async def computed_once(world: World) -> StandingsSnapshot:
    """The tables computed and stored at T0; the clock then moves on, so that a snapshot
    computed again says so in its `computed_at`."""
    world.clock.set(T0)
    snapshot = await world.update_standings()
    world.clock.set(T0 + timedelta(hours=1))
    return snapshot


async def test_with_nothing_changed_the_stored_tables_are_the_answer_and_nothing_is_written(
    imported: World,
) -> None:
    world = imported
    world.source.report("liga", observation(FIRST, score=(2, 0)))
    await world.update_round("matchday-1")
    first = await computed_once(world)
    commits = world.uow_factory.store.commits
    again = await world.update_standings()
    assert again == first
    assert again.computed_at == T0  # when the tables were computed, not when asked
    assert world.uow_factory.store.commits == commits
    assert await stored(world) == first
    # A round update that finds nothing new changes nothing either.
    await world.update_round("matchday-1")
    assert await world.update_standings() == first


async def test_the_snapshot_records_the_revision_and_engine_it_was_computed_from(
    imported: World,
) -> None:
    snapshot = await imported.update_standings()
    async with imported.uow_factory() as uow:
        status = await uow.standings.status(LIGA)
    assert (snapshot.revision, snapshot.engine) == (status.revision, engine_fingerprint())
    assert status.snapshot == snapshot


@dataclass(frozen=True)
class Write:
    name: str
    write: Callable[[UnitOfWork], Awaitable[object]]

    def __str__(self) -> str:
        return self.name


WRITES = [
    Write(
        "a match changed",
        lambda uow: _finish(uow, FIRST),
    ),
    Write(
        "cards stored",
        lambda uow: uow.discipline.save_many(
            [MatchDiscipline(f"scripted:{FIRST}", "scripted:t1", Cards(yellow=1))]
        ),
    ),
    Write(
        "an adjustment stored",
        lambda uow: uow.adjustments.save(PointAdjustment(LIGA, "scripted:t2", -3, "x")),
    ),
    Write(
        "a member regrouped",
        lambda uow: uow.teams.set_members(
            LIGA, [Membership(LIGA, f"scripted:t{n}", "A" if n < 3 else "B") for n in range(1, 5)]
        ),
    ),
    Write(
        "a round turned knockout",
        lambda uow: uow.rounds.save_many([round_(kind=RoundKind.KNOCKOUT)]),
    ),
    Write("a team renamed", lambda uow: uow.teams.save_many([team("t1", "Renamed")])),
    Write("the zones changed", lambda uow: _retune(uow, zones="1:champion")),
]


async def _finish(uow: UnitOfWork, external_id: str) -> None:
    (found,) = [
        m for m in await uow.matches.for_round(LIGA, "matchday-1") if m.external_id == external_id
    ]
    state = attrs.evolve(found.state, status=MatchStatus.AWARDED, score=None)
    await uow.matches.save_many([attrs.evolve(found, state=state, version=found.version + 1)])


async def _retune(uow: UnitOfWork, **changes: Any) -> None:
    await uow.tournaments.save(attrs.evolve(await uow.tournaments.get(LIGA), **changes))


@pytest.mark.parametrize("write", WRITES, ids=str)
async def test_any_write_to_a_table_input_makes_the_next_update_compute_again(
    imported: World, write: Write
) -> None:
    world = imported
    first = await computed_once(world)
    async with world.uow_factory() as uow:
        await write.write(uow)
        await uow.commit()
    again = await world.update_standings()
    assert again.computed_at == T0 + timedelta(hours=1)
    assert again.revision > first.revision
    assert await stored(world) == again
    # And then, with nothing changed since, it is the answer.
    world.clock.advance(timedelta(hours=1))
    assert await world.update_standings() == again


async def test_a_write_rolled_back_does_not_make_it_compute_again(imported: World) -> None:
    world = imported
    first = await computed_once(world)
    async with world.uow_factory() as uow:
        await uow.adjustments.save(PointAdjustment(LIGA, "scripted:t2", -3, "x"))
    assert await world.update_standings() == first


async def test_a_new_result_from_the_provider_is_counted_at_the_next_update(
    imported: World,
) -> None:
    world = imported
    first = await computed_once(world)
    assert all(row.played == 0 for row in first.tables[0].rows)
    world.source.report("liga", observation(FIRST, score=(2, 0)))
    await world.update_round("matchday-1")
    (table,) = (await world.update_standings()).tables
    assert [(row.team, row.points) for row in table.rows[:1]] == [("scripted:t1", 3)]


async def test_a_rules_change_by_a_new_import_computes_again_with_the_new_rules(
    imported: World,
) -> None:
    world = imported
    first = await computed_once(world)
    assert first.rules == "premier_league"
    await world.import_(rules="la_liga")
    again = await world.update_standings()
    assert (again.rules, again.computed_at) == ("la_liga", T0 + timedelta(hours=1))


async def test_tables_of_another_engine_or_revision_or_rules_are_computed_again(
    imported: World,
) -> None:
    world = imported
    first = await computed_once(world)
    for stale in (
        attrs.evolve(first, engine="bestshot 0.0.1, engine edition 0"),
        attrs.evolve(first, engine=""),
        attrs.evolve(first, revision=first.revision - 1),
        attrs.evolve(first, rules="la_liga"),
    ):
        async with world.uow_factory() as uow:
            await uow.standings.save(stale)
            await uow.commit()
        again = await world.update_standings()
        assert again == attrs.evolve(first, computed_at=world.clock.now())
        world.clock.advance(timedelta(minutes=1))


async def test_removing_no_adjustment_answers_with_the_stored_tables(imported: World) -> None:
    world = imported
    first = await computed_once(world)
    result = await services.remove_point_adjustment(
        LIGA, "scripted:t2", uow_factory=world.uow_factory, clock=world.clock
    )
    assert result.standings == first
    added = await services.set_point_adjustment(
        LIGA, "scripted:t2", -3, "x", uow_factory=world.uow_factory, clock=world.clock
    )
    assert added.standings.computed_at == world.clock.now()
    assert await world.update_standings() == added.standings


async def test_a_round_update_racing_a_standings_update_is_never_missed(imported: World) -> None:
    # Whichever runs first, the update after both counts the result: a standings update that
    # ran first stored tables of an older revision.
    world = imported
    await computed_once(world)
    world.source.report("liga", observation(FIRST, score=(2, 0)))
    await asyncio.gather(world.update_round("matchday-1"), world.update_standings())
    (table,) = (await world.update_standings()).tables
    assert (table.rows[0].team, table.rows[0].points) == ("scripted:t1", 3)


async def test_tables_not_current_are_computed_when_the_first_read_brought_no_inputs(
    imported: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A repository whose `current` reads only the status: the inputs are read on their own.
    from adapters.memory.repositories import MemoryStandingsRepository  # noqa: PLC0415

    async def status_only(
        self: MemoryStandingsRepository, tournament_id: str, engine: str
    ) -> tuple[Any, None]:
        return await self.status(tournament_id), None

    monkeypatch.setattr(MemoryStandingsRepository, "current", status_only)
    world = imported
    world.source.report("liga", observation(FIRST, score=(2, 0)))
    await world.update_round("matchday-1")
    snapshot = await world.update_standings()
    assert sum(row.played for row in snapshot.tables[0].rows) == 2
    assert await stored(world) == snapshot
