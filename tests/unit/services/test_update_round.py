from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from bestshot_domain import services
from bestshot_domain.errors import NotFound, SourceBlocked, SourceUnavailable
from bestshot_domain.model import (
    ChangeKind,
    Fixtures,
    MatchStatus,
    Observation,
    Score,
    SourceMatch,
)
from tests.builders import T0, observation
from tests.unit.services.conftest import World

M1, M2 = "matchday-1-t1-t4", "matchday-1-t2-t3"
S = MatchStatus


async def test_results_are_written_with_their_change_records(imported: World) -> None:
    world = imported
    world.clock.set(T0 + timedelta(hours=5))
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, S.LIVE, (0, 0)))
    update = await world.update_round("matchday-1")
    assert update.updated == (f"scripted:{M1}", f"scripted:{M2}")
    assert update.awaiting == (f"scripted:{M2}",)
    assert update.missing == ()
    assert update.unknown == ()
    matches = await world.matches()
    assert matches[M1].state.score == Score(2, 1)
    assert (matches[M1].status, matches[M1].version) == (S.FINISHED, 1)
    assert matches[M1].last_observed == T0 + timedelta(hours=5)
    assert matches[M2].status is S.LIVE
    recorded = [c for c in await world.changes() if c.kind is not ChangeKind.CREATED]
    assert [(c.match, c.reason) for c in recorded] == [
        (f"scripted:{M1}", "scheduled -> finished 2-1"),
        (f"scripted:{M2}", "scheduled -> live 0-0"),
    ]
    assert list(recorded) == list(update.changes)
    assert world.source.calls[-1] == ("round_observations", "liga", "1")


async def test_updating_again_with_nothing_new_writes_nothing(imported: World) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(2, 1)))
    await world.update_round("matchday-1")
    before = (await world.matches(), await world.changes(), world.uow_factory.store.commits)
    update = await world.update_round("matchday-1")
    assert update.unchanged == (f"scripted:{M1}", f"scripted:{M2}")
    assert update.saved == ()
    assert (await world.matches(), await world.changes(), world.uow_factory.store.commits) == before


async def test_a_later_correction_is_recorded_as_one(imported: World) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(2, 1)))
    await world.update_round("matchday-1")
    world.source.report("liga", observation(M1, score=(2, 2)))
    update = await world.update_round("matchday-1")
    assert update.corrections == (f"scripted:{M1}",)
    assert (await world.changes())[-1].kind is ChangeKind.CORRECTION


async def test_invalid_observations_are_reported_and_not_written(imported: World) -> None:
    world = imported
    world.source.report("liga", Observation(M1, S.FINISHED), observation(M2, score=(1, 0)))
    update = await world.update_round("matchday-1")
    (rejected,) = update.rejected
    assert (rejected.match, rejected.reason) == (f"scripted:{M1}", "a finished match needs a score")
    assert (await world.matches())[M1].status is S.SCHEDULED
    assert update.updated == (f"scripted:{M2}",)


async def test_matches_the_source_left_out_and_strangers_it_added_are_reported(
    imported: World, fixtures: Fixtures
) -> None:
    world = imported
    stranger = SourceMatch("matchday-1", "t1", "t2", Observation("friendly", S.LIVE, kickoff=T0))
    world.source.publish(
        "liga",
        attrs.evolve(
            fixtures, matches=(stranger, *(m for m in fixtures.matches if m.external_id != M2))
        ),
    )
    update = await world.update_round("matchday-1")
    assert update.missing == (f"scripted:{M2}",)
    assert update.unknown == ("friendly",)
    assert "friendly" not in await world.matches()


@pytest.mark.parametrize(
    "error",
    [
        SourceUnavailable("scripted", "503 after 3 tries"),
        SourceBlocked("scripted", "403 challenge"),
    ],
)
async def test_a_failing_provider_leaves_nothing_written(
    imported: World, error: SourceUnavailable
) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(2, 1)))
    world.source.fail(error)
    before = (await world.matches(), await world.changes(), world.uow_factory.store.commits)
    with pytest.raises(type(error)):
        await world.update_round("matchday-1")
    assert (await world.matches(), await world.changes(), world.uow_factory.store.commits) == before


async def test_an_unknown_tournament_or_round_is_not_found_before_asking_the_provider(
    imported: World,
) -> None:
    world = imported
    calls = len(world.source.calls)
    with pytest.raises(NotFound):
        await world.update_round("matchday-1", tournament_id="nowhere")
    with pytest.raises(NotFound):
        await world.update_round("matchday-99")
    assert len(world.source.calls) == calls


async def test_a_provider_not_configured_here_is_unavailable(imported: World) -> None:
    world = imported
    with pytest.raises(SourceUnavailable, match="no source is configured"):
        await services.update_round(
            "liga-test", "matchday-1", uow_factory=world.uow_factory, sources={}, clock=world.clock
        )


async def test_concurrent_updates_of_a_round_end_as_one_with_each_change_recorded_once(
    imported: World,
) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(3, 0)), observation(M2, score=(0, 0)))
    updates = await asyncio.wait_for(
        asyncio.gather(*(world.update_round("matchday-1") for _ in range(20))), 10
    )
    matches = await world.matches()
    assert (matches[M1].version, matches[M2].version) == (1, 1)
    recorded = [c for c in await world.changes() if c.kind is ChangeKind.UPDATED]
    assert sorted(c.match for c in recorded) == [f"scripted:{M1}", f"scripted:{M2}"]
    assert sum(len(u.saved) for u in updates) == 2


async def test_the_write_waits_for_the_tournament_lock(imported: World) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(1, 0)))
    async with world.uow_factory() as holder:
        await holder.tournaments.lock("liga-test")
        update = asyncio.create_task(world.update_round("matchday-1"))
        # In memory nothing but this loop moves the update: it gets every turn it can use.
        for _ in range(100):
            await asyncio.sleep(0)
        assert not update.done()
        assert (await world.matches())[M1].status is S.SCHEDULED
    await asyncio.wait_for(update, 5)
    assert (await world.matches())[M1].status is S.FINISHED


async def test_finding_nothing_new_takes_no_lock(imported: World) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(1, 0)))
    await world.update_round("matchday-1")
    async with world.uow_factory() as holder:
        await holder.tournaments.lock("liga-test")
        # Held by another writer: an update with something to write would wait for it.
        update = await asyncio.wait_for(world.update_round("matchday-1"), 1)
    assert f"scripted:{M1}" in update.unchanged
    assert (update.saved, update.changes) == ((), ())
