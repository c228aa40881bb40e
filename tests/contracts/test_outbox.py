"""The Outbox contract: events commit with their unit of work, numbered in commit order."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import attrs
import pytest

from bestshot_domain.emitting import match_events
from bestshot_domain.errors import InvalidInput
from bestshot_domain.events import (
    DisputeNoted,
    EventType,
    MatchMoved,
    NewEvent,
    ScheduleFailed,
    StandingsChanged,
    TeamMove,
    ZoneDecided,
)
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus, Score
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import ZoneStatus
from bestshot_domain.verification import Answer, ClosedBy, DisputeKind
from tests.builders import T0, match, state
from tests.contracts.seed import seed_league

MOVED = MatchMoved(
    "scripted:m1",
    "matchday-1",
    "scripted:a",
    "scripted:b",
    state(),
    state(MatchStatus.FINISHED, (2, 1)),
    "scheduled -> finished 2-1",
)
EVERY_PAYLOAD = [
    NewEvent(EventType.MATCH_UPDATED, "liga-test", T0, MOVED),
    NewEvent(
        EventType.STANDINGS_CHANGED,
        "liga-test",
        T0 + timedelta(seconds=1),
        StandingsChanged(
            (
                TeamMove("scripted:a", "Team a", None, 2, 1, 3, 6),
                TeamMove("scripted:e", "Team e", "Group B", None, 4, None, 0),
            )
        ),
    ),
    NewEvent(
        EventType.ZONE_DECIDED,
        "liga-test",
        T0,
        ZoneDecided("scripted:a", "Team a", None, "champions_league", ZoneStatus.CLINCHED),
    ),
    NewEvent(EventType.SCHEDULE_FAILED, "other", T0, ScheduleFailed("liga_x", "matchday-1", 5)),
    NewEvent(
        EventType.DISPUTE_CLOSED,
        "liga-test",
        T0,
        DisputeNoted(
            "0123456789abcdef",
            "scripted:m1",
            "matchday-1",
            DisputeKind.DISAGREEMENT,
            (
                Answer("espn", MatchStatus.FINISHED, Score(1, 1), Score(4, 3)),
                Answer("football_data", MatchStatus.AWARDED, Score(3, 0)),
            ),
            ClosedBy.ADMIN,
            "the match report says 1-1",
        ),
    ),
]


def event(number: int, tournament_id: str = "liga-test") -> NewEvent:
    return NewEvent(EventType.MATCH_FINISHED, tournament_id, T0 + timedelta(minutes=number), MOVED)


async def test_committed_events_read_back_equal_in_order(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.outbox.append(EVERY_PAYLOAD[:2])
        await uow.outbox.append(EVERY_PAYLOAD[2:])
        await uow.commit()
    async with uow_factory() as uow:
        read = list(await uow.outbox.after(0))
    ids = [e.id for e in read]
    assert ids == sorted(set(ids))
    assert ids[0] > 0
    assert [
        NewEvent(e.type, e.tournament_id, e.occurred_at, e.payload) for e in read
    ] == EVERY_PAYLOAD


async def test_events_of_a_unit_of_work_that_does_not_commit_do_not_exist(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.append([event(1)])
    async with uow_factory() as uow:
        await uow.outbox.append([event(2)])
        await uow.rollback()
    with contextlib.suppress(RuntimeError):
        async with uow_factory() as uow:
            await uow.outbox.append([event(3)])
            raise RuntimeError("the change failed")
    async with uow_factory() as uow:
        assert list(await uow.outbox.after(0)) == []


async def test_the_feed_reads_after_an_id_by_tournament_with_a_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.outbox.append([event(n, "liga-test" if n % 2 else "other") for n in range(1, 8)])
        await uow.commit()
    async with uow_factory() as uow:
        every = list(await uow.outbox.after(0, limit=100))
        assert len(every) == 7
        second = every[1].id
        after = list(await uow.outbox.after(second, limit=3))
        assert after == every[2:5]
        liga = list(await uow.outbox.after(second, tournament_id="liga-test"))
        assert liga == [e for e in every[2:] if e.tournament_id == "liga-test"]
        assert list(await uow.outbox.after(every[-1].id)) == []
        assert list(await uow.outbox.after(0, tournament_id="nobody")) == []
        with pytest.raises(InvalidInput):
            await uow.outbox.after(0, limit=0)


async def test_ids_follow_commit_order_so_a_reader_never_skips_one(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A writer that appended first but commits after a later one must not leave an id behind
    a reader's position: ids grow in commit order."""
    committed: list[str] = []
    async with uow_factory() as first:
        await first.outbox.append([event(1)])

        async def second_writer() -> None:
            async with uow_factory() as second:
                await second.outbox.append([event(2, "other")])
                await second.commit()
                committed.append("other")

        second_task = asyncio.create_task(second_writer())
        await asyncio.sleep(0.05)  # the second writer gets as far as it can
        await first.commit()
        committed.append("liga-test")
        await second_task
    async with uow_factory() as uow:
        read = list(await uow.outbox.after(0))
    assert [e.tournament_id for e in read] == committed


async def test_match_events_of_recorded_changes_read_back_as_appended(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """As the use cases append them, after their change: read back equal, with the teams the
    match had then, whatever happens to the match afterwards."""
    m1 = match("m1")
    await seed_league(uow_factory, matches=[m1])
    finished = MatchChange(
        m1.key,
        "liga-test",
        "matchday-1",
        ChangeKind.UPDATED,
        state(),
        state(MatchStatus.FINISHED, (2, 1)),
        "scheduled -> finished 2-1",
        T0 + timedelta(hours=2),
    )
    corrected = attrs.evolve(
        finished,
        kind=ChangeKind.CORRECTION,
        before=finished.after,
        after=state(MatchStatus.FINISHED, (2, 2)),
        reason="corrected 2-1 -> 2-2",
        recorded_at=T0 + timedelta(hours=3),
    )
    appended = match_events([m1], [finished])
    async with uow_factory() as uow:
        await uow.changes.record_many([finished])
        await uow.outbox.append(appended)
        await uow.commit()
    moved = attrs.evolve(m1, home="scripted:c", away="scripted:d", version=1)
    later = [
        *match_events([moved], [corrected]),
        NewEvent(EventType.MATCH_UPDATED, "liga-test", T0, MOVED),  # no change recorded
    ]
    async with uow_factory() as uow:
        await uow.matches.save_many([moved])
        await uow.changes.record_many([corrected])
        await uow.outbox.append(later)
        await uow.commit()
    async with uow_factory() as uow:
        read = list(await uow.outbox.after(0))
    assert [e.type for e in appended] == [EventType.MATCH_UPDATED, EventType.MATCH_FINISHED]
    assert [NewEvent(e.type, e.tournament_id, e.occurred_at, e.payload) for e in read] == [
        *appended,
        *later,
    ]
