"""The PlanRunStore contract: one pending run a day, beats, how runs end, staleness, pruning."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from bestshot_domain.plan_runs import STALE_ERROR, PlanRunState, PlanRunStore
from bestshot_domain.planning import ScheduleResult
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from tests.builders import T0

DAY = date(2026, 3, 14)
STALE = timedelta(minutes=1)


def _id() -> str:
    return uuid.uuid4().hex


async def test_one_run_a_day_is_pending_and_a_second_asking_joins_it(
    plan_runs: PlanRunStore,
) -> None:
    first, new = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    assert new
    assert (first.day, first.state, first.started_at, first.beat_at) == (
        DAY,
        PlanRunState.PENDING,
        T0,
        T0,
    )
    joined, new = await plan_runs.begin(_id(), DAY, T0 + STALE / 2, T0 - STALE / 2)
    assert not new
    assert joined == first
    other_day, new = await plan_runs.begin(_id(), DAY + timedelta(days=1), T0, T0 - STALE)
    assert new
    assert other_day.id != first.id
    assert await plan_runs.get(first.id, T0 - STALE) == first
    assert await plan_runs.get(_id(), T0 - STALE) is None


async def test_runs_begun_at_once_are_one(plan_runs: PlanRunStore) -> None:
    begun = await asyncio.gather(*(plan_runs.begin(_id(), DAY, T0, T0 - STALE) for _ in range(8)))
    assert sum(new for _, new in begun) == 1
    assert len({run.id for run, _ in begun}) == 1


async def test_a_beat_carries_progress_and_keeps_the_run_alive(plan_runs: PlanRunStore) -> None:
    run, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    later = T0 + STALE * 2
    assert await plan_runs.beat(run.id, later, ["liga-a"], ["liga-b", "liga-c"])
    seen = await plan_runs.get(run.id, later + STALE / 2 - STALE)
    assert seen is not None
    assert seen.state is PlanRunState.PENDING
    assert seen.beat_at == later
    assert (seen.planned_tournaments, seen.pending_tournaments) == (
        ("liga-a",),
        ("liga-b", "liga-c"),
    )
    assert not await plan_runs.beat(_id(), later, [], [])


async def test_a_run_without_a_recent_beat_is_interrupted_and_the_day_begins_again(
    plan_runs: PlanRunStore,
) -> None:
    run, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    now = T0 + STALE + timedelta(seconds=1)
    seen = await plan_runs.get(run.id, now - STALE)
    assert seen is not None
    assert (seen.state, seen.error) == (PlanRunState.INTERRUPTED, STALE_ERROR)

    fresh, new = await plan_runs.begin(_id(), DAY, now, now - STALE)
    assert new
    assert fresh.id != run.id
    old = await plan_runs.get(run.id, now - STALE)
    assert old is not None
    assert old.state is PlanRunState.INTERRUPTED
    assert not await plan_runs.beat(run.id, now, [], [])  # no longer pending: stays so


async def test_how_a_run_ended_reads_back(plan_runs: PlanRunStore) -> None:
    schedule = PlannedSchedule("liga-a_r1_20260314", T0, "liga-a", "r1", "demo")
    results = (
        ScheduleResult(schedule, EnsureOutcome.CREATED),
        ScheduleResult(schedule, None, deleted=True),
    )
    done, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    await plan_runs.finish(
        done.id, T0 + STALE, PlanRunState.DONE, results=results, planned=["liga-a"]
    )
    failed, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    await plan_runs.finish(
        failed.id,
        T0,
        PlanRunState.FAILED,
        error="throttled",
        planned=["liga-a"],
        pending=["liga-b"],
    )
    # Long after: an ended run is never reported stale.
    much_later = T0 + STALE * 100
    read = await plan_runs.get(done.id, much_later)
    assert read is not None
    assert (read.state, read.results, read.error) == (PlanRunState.DONE, results, None)
    assert read.planned_tournaments == ("liga-a",)
    assert read.beat_at == T0 + STALE
    read = await plan_runs.get(failed.id, much_later)
    assert read is not None
    assert (read.state, read.results, read.error) == (PlanRunState.FAILED, None, "throttled")
    assert read.pending_tournaments == ("liga-b",)


async def test_a_run_marked_interrupted_that_finishes_after_all_says_so(
    plan_runs: PlanRunStore,
) -> None:
    run, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    now = T0 + STALE * 2
    await plan_runs.begin(_id(), DAY, now, now - STALE)  # marks the first interrupted
    await plan_runs.finish(run.id, now, PlanRunState.DONE, results=())
    read = await plan_runs.get(run.id, now - STALE)
    assert read is not None
    assert (read.state, read.results) == (PlanRunState.DONE, ())


async def test_pruning_forgets_runs_older_than_the_bound_only(plan_runs: PlanRunStore) -> None:
    old, _ = await plan_runs.begin(_id(), DAY, T0, T0 - STALE)
    await plan_runs.finish(old.id, T0, PlanRunState.DONE, results=())
    stale, _ = await plan_runs.begin(_id(), DAY + timedelta(days=1), T0, T0 - STALE)
    recent, _ = await plan_runs.begin(_id(), DAY + timedelta(days=2), T0 + STALE, T0)
    assert await plan_runs.prune(T0) == 0  # before the bound only: none is
    assert await plan_runs.prune(T0 + timedelta(seconds=1)) == 2
    assert await plan_runs.get(old.id, T0) is None
    assert await plan_runs.get(stale.id, T0) is None
    assert await plan_runs.get(recent.id, T0) is not None
