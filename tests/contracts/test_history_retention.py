"""The history's retention: observations older than the cutoff go, nothing else does."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import SettableClock
from bestshot_domain.emitting import match_events
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus
from bestshot_domain.retention import prune_observations
from tests.builders import T0, match, state
from tests.contracts.conftest import PrunerCase
from tests.contracts.seed import seed_league


def change(
    kind: ChangeKind, at: timedelta, key: str = "scripted:m1", reason: str = ""
) -> MatchChange:
    before = None if kind is ChangeKind.CREATED else state()
    after = state(MatchStatus.FINISHED, (2, 1)) if kind is not ChangeKind.CREATED else state()
    return MatchChange(
        key,
        "liga-test",
        "matchday-1",
        kind,
        before,
        after,
        reason or f"{kind.value} at {at}",
        T0 + at,
        source="admin" if kind is ChangeKind.OVERRIDE else "",
    )


DAY = timedelta(days=1)


async def test_only_observations_older_than_the_cutoff_go(pruner: PrunerCase) -> None:
    prune, uow_factory = pruner
    m1, m2 = match("m1"), match("m2", home="c", away="d")
    await seed_league(uow_factory, matches=[m1, m2])
    updated = change(ChangeKind.UPDATED, -DAY)
    changes = [
        change(ChangeKind.CREATED, -4 * DAY),
        change(ChangeKind.OBSERVATION, -3 * DAY),
        change(ChangeKind.OVERRIDE, -3 * DAY),
        change(ChangeKind.OBSERVATION, -2 * DAY, "scripted:m2"),
        updated,
        change(ChangeKind.OBSERVATION, DAY),  # newer than the cutoff
        change(ChangeKind.RELEASE, DAY),
    ]
    async with uow_factory() as uow:
        await uow.changes.record_many(changes)
        await uow.outbox.append(match_events([m1], [updated]))
        await uow.commit()
    async with uow_factory() as uow:
        history = list(await uow.changes.history("scripted:m1"))
        events = list(await uow.outbox.after(0))
    assert len(events) == 2

    assert await prune.prune_observations(T0, batch=1) == 2
    assert await prune.prune_observations(T0) == 0

    async with uow_factory() as uow:
        # The others keep their ids; the events keep their payloads.
        assert list(await uow.changes.history("scripted:m1")) == [
            recorded for recorded in history if recorded.change != changes[1]
        ]
        assert list(await uow.changes.history("scripted:m2")) == []
        assert list(await uow.changes.for_match("scripted:m1")) == [
            c for c in changes if c.match == "scripted:m1" and c != changes[1]
        ]
        assert [c.kind for c in await uow.changes.for_tournament("liga-test")] == [
            ChangeKind.CREATED,
            ChangeKind.OVERRIDE,
            ChangeKind.UPDATED,
            ChangeKind.OBSERVATION,
            ChangeKind.RELEASE,
        ]
        assert list(await uow.outbox.after(0)) == events


async def test_the_use_case_keeps_everything_unless_a_retention_is_set(
    pruner: PrunerCase,
) -> None:
    prune, uow_factory = pruner
    await seed_league(uow_factory, matches=[match("m1")])
    async with uow_factory() as uow:
        await uow.changes.record_many(
            [change(ChangeKind.OBSERVATION, -10 * DAY), change(ChangeKind.OBSERVATION, -DAY)]
        )
        await uow.commit()
    clock = SettableClock(T0)
    assert await prune_observations(prune, keep=None, clock=clock) == 0
    assert await prune_observations(prune, keep=2 * DAY, clock=clock) == 1
    async with uow_factory() as uow:
        left = list(await uow.changes.for_match("scripted:m1"))
    assert [c.recorded_at for c in left] == [T0 - DAY]
