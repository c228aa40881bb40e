"""The events the use cases write to the outbox, in the unit of work of their change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from adapters.memory import MemoryUnitOfWork
from bestshot_domain.events import Event, EventType, MatchMoved, StandingsChanged, ZoneDecided
from bestshot_domain.model import MatchStatus
from bestshot_domain.standings import ZoneStatus
from tests.builders import T0, league_fixtures, observation
from tests.unit.services.conftest import World

S = MatchStatus
MD1 = ("matchday-1-t1-t4", "matchday-1-t2-t3")
MD2 = ("matchday-2-t1-t3", "matchday-2-t4-t2")
MD3 = ("matchday-3-t1-t2", "matchday-3-t3-t4")


async def events(world: World, after: int = 0) -> Sequence[Event]:
    async with world.uow_factory() as uow:
        return await uow.outbox.after(after, limit=1000)


def kinds(found: Sequence[Event]) -> list[tuple[str, str]]:
    def subject(event: Event) -> str:
        payload = event.payload
        if isinstance(payload, MatchMoved):
            return payload.match.removeprefix("scripted:")
        if isinstance(payload, ZoneDecided):
            return f"{payload.team.removeprefix('scripted:')} {payload.status} {payload.zone}"
        return ""

    return [(str(event.type), subject(event)) for event in found]


@pytest.fixture
async def league(world: World) -> World:
    world.source.publish("liga", league_fixtures(4))
    await world.import_(zones="1:champion")
    return world


async def test_an_import_says_nothing_and_the_first_tables_show_every_team(world: World) -> None:
    world.source.publish("liga", league_fixtures(4))
    await world.import_(zones="1:champion")
    assert list(await events(world)) == []
    await world.update_standings()
    (first,) = await events(world)
    assert isinstance(first.payload, StandingsChanged)
    assert [(m.team, m.old_position, m.new_position) for m in first.payload.moves] == [
        (f"scripted:t{n}", None, n) for n in range(1, 5)
    ]
    await world.update_standings()  # nothing changed: the stored tables, no event
    assert len(await events(world)) == 1


async def test_one_round_update_writes_the_expected_events_in_order(league: World) -> None:
    await league.update_standings()
    (first_tables,) = await events(league)
    league.clock.set(T0 + timedelta(hours=5))
    league.source.report(
        "liga", observation(MD1[0], score=(2, 0)), observation(MD1[1], S.LIVE, (1, 1))
    )
    await league.update_round("matchday-1")
    await league.update_standings()
    found = list(await events(league, first_tables.id))
    assert kinds(found) == [
        ("match.updated", MD1[0]),
        ("match.finished", MD1[0]),
        ("match.updated", MD1[1]),
        ("standings.changed", ""),
    ]
    first = found[0].payload
    assert isinstance(first, MatchMoved)
    assert (first.before and first.before.status, first.after.status) == (S.SCHEDULED, S.FINISHED)
    changed = found[-1].payload
    assert isinstance(changed, StandingsChanged)
    moved = {m.team.removeprefix("scripted:"): m for m in changed.moves}
    # t1 won 2-0 (first by name before, first on points now); t4 lost and stays fourth with
    # no points; t2 and t3 are still playing (a live match does not count): only t1 moved.
    assert set(moved) == {"t1"}
    assert (moved["t1"].old_points, moved["t1"].new_points) == (0, 3)
    assert (moved["t1"].old_position, moved["t1"].new_position) == (1, 1)
    # The same observations again: nothing new, no event.
    await league.update_round("matchday-1")
    await league.update_standings()
    assert len(await events(league, first_tables.id)) == len(found)


async def test_a_correction_is_match_corrected_only(league: World) -> None:
    league.clock.set(T0 + timedelta(hours=5))
    league.source.report("liga", observation(MD1[0], score=(2, 0)))
    await league.update_round("matchday-1")
    seen = len(await events(league))
    league.clock.set(T0 + timedelta(hours=9))
    league.source.report("liga", observation(MD1[0], score=(2, 1)))
    await league.update_round("matchday-1")
    assert kinds((await events(league))[seen:]) == [("match.corrected", MD1[0])]


async def test_a_clinched_place_is_decided_once_and_never_again(league: World) -> None:
    league.clock.set(T0 + timedelta(days=20))
    league.source.report(
        "liga", observation(MD1[0], score=(2, 0)), observation(MD1[1], score=(1, 1))
    )
    await league.update_round("matchday-1")
    await league.update_standings()
    assert [e for e in await events(league) if e.type is EventType.ZONE_DECIDED] == []
    league.source.report(
        "liga", observation(MD2[0], score=(1, 0)), observation(MD2[1], score=(0, 0))
    )
    await league.update_round("matchday-2")
    await league.update_standings()
    league.source.report(
        "liga", observation(MD3[0], score=(0, 3)), observation(MD3[1], score=(2, 2))
    )
    await league.update_round("matchday-3")
    await league.update_standings()
    decided = [kind for kind in kinds(await events(league)) if kind[0] == "zone.decided"]
    # After matchday 2, t1 (6 points) cannot be caught: clinched; the others are out. Matchday
    # 3 (t1 loses, still first) changes no status, and says nothing of the zone.
    assert decided == [
        ("zone.decided", f"t1 {ZoneStatus.CLINCHED} champion"),
        ("zone.decided", f"t2 {ZoneStatus.ELIMINATED} champion"),
        ("zone.decided", f"t3 {ZoneStatus.ELIMINATED} champion"),
        ("zone.decided", f"t4 {ZoneStatus.ELIMINATED} champion"),
    ]


async def test_a_round_update_that_does_not_commit_writes_no_event(
    league: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    league.clock.set(T0 + timedelta(hours=5))
    league.source.report("liga", observation(MD1[0], score=(2, 0)))

    async def failing_commit(self: MemoryUnitOfWork) -> None:
        raise ConnectionError("the database went away at commit")

    with monkeypatch.context() as patch:
        patch.setattr(MemoryUnitOfWork, "commit", failing_commit)
        with pytest.raises(ConnectionError):
            await league.update_round("matchday-1")
    assert list(await events(league)) == []
    assert (await league.matches())[MD1[0]].status is S.SCHEDULED
    await league.update_round("matchday-1")
    assert kinds(await events(league)) == [
        ("match.updated", MD1[0]),
        ("match.finished", MD1[0]),
    ]
