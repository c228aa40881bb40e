"""Plan runs over a shared store: two `PlanRuns` on one store are two server processes (issue
17): either answers a run's status, a second asking joins the first's run, a run whose process
stopped beating is reported interrupted, a shutdown records what it stopped, old runs go."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from adapters.memory import MemoryPlanRunStore
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.plan_runs import SHUTDOWN_ERROR, STALE_ERROR, PlanRunState
from bestshot_domain.planning import PlanProgress, ScheduleResult
from entrypoints.api.plans import STALE_AFTER, PlanRuns
from tests.builders import T0

DAY = date(2026, 3, 14)


class WallClock:
    """The runs' wall time, moved by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Planner:
    """A day's plan held until `gate` opens; counts the plans started."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = 0
        self.failure: Exception | None = None

    async def __call__(
        self, day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        self.started += 1
        await self.gate.wait()
        if self.failure is not None:
            raise self.failure
        return ()


@pytest.fixture
def store() -> MemoryPlanRunStore:
    return MemoryPlanRunStore()


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


def _process(planner: Planner, store: MemoryPlanRunStore, wall: WallClock) -> PlanRuns:
    return PlanRuns(planner, store, budget=0.01, now=wall, retention=timedelta(days=7))


async def test_another_process_answers_the_status_and_joins_the_run(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    first, second = _process(planner, store, wall), _process(planner, store, wall)
    run, task = await first.plan(DAY)
    assert run.state is PlanRunState.PENDING
    assert task is not None

    joined, elsewhere = await second.plan(DAY)
    assert joined.id == run.id
    assert elsewhere is None  # the first process runs it
    assert planner.started == 1
    seen = await second.get(run.id)
    assert seen is not None
    assert seen.state is PlanRunState.PENDING

    planner.gate.set()
    await task
    done = await second.get(run.id)
    assert done is not None
    assert done.state is PlanRunState.DONE
    assert done.results == ()
    # Done: the next asking starts a new run (quick, the day being planned already).
    again, _ = await second.plan(DAY)
    assert again.id != run.id
    assert planner.started == 2


async def test_a_run_whose_process_stopped_beating_is_interrupted_and_the_day_starts_again(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    dead = _process(planner, store, wall)  # never beats within the test: the clock jumps
    run, _ = await dead.plan(DAY)
    other = _process(planner, store, wall)

    wall.now += STALE_AFTER - timedelta(seconds=1)
    still = await other.get(run.id)
    assert still is not None
    assert still.state is PlanRunState.PENDING

    wall.now += timedelta(seconds=2)
    gone = await other.get(run.id)
    assert gone is not None
    assert gone.state is PlanRunState.INTERRUPTED
    assert gone.error == STALE_ERROR
    fresh, task = await other.plan(DAY)
    assert fresh.id != run.id
    assert task is not None
    assert planner.started == 2
    await dead.aclose()
    await other.aclose()


async def test_a_beat_keeps_a_run_alive_and_carries_its_progress(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    runs = PlanRuns(planner, store, budget=0.01, now=wall, heartbeat=timedelta(milliseconds=10))
    run, _ = await runs.plan(DAY)
    for _ in range(3):
        wall.now += STALE_AFTER - timedelta(seconds=1)
        beat_at = wall.now
        for _ in range(500):
            stored = await store.get(run.id, wall.now - STALE_AFTER)
            if stored is not None and stored.beat_at == beat_at:
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the run never beat")
        assert stored.state is PlanRunState.PENDING
    await runs.aclose()


async def test_a_shutdown_records_the_runs_it_stopped(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    first, second = _process(planner, store, wall), _process(planner, store, wall)
    run, task = await first.plan(DAY)
    await first.aclose()
    assert task is not None
    assert task.cancelled()
    stopped = await second.get(run.id)
    assert stopped is not None
    assert stopped.state is PlanRunState.INTERRUPTED
    assert stopped.error == SHUTDOWN_ERROR


async def test_a_failure_says_why_and_a_defect_says_nothing_of_itself(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    planner.gate.set()
    planner.failure = StorageUnavailable("the scheduler is throttled")
    runs = _process(planner, store, wall)
    run, task = await runs.plan(DAY)
    assert task is not None
    await asyncio.gather(task, return_exceptions=True)
    failed = await runs.get(run.id)
    assert failed is not None
    assert (failed.state, failed.error) == (PlanRunState.FAILED, "the scheduler is throttled")

    planner.failure = RuntimeError("password=hunter2 in a driver's message")
    run, task = await runs.plan(DAY + timedelta(days=1))
    assert task is not None
    await asyncio.gather(task, return_exceptions=True)
    defect = await runs.get(run.id)
    assert defect is not None
    assert (defect.state, defect.error) == (PlanRunState.FAILED, "an internal error")


async def test_runs_older_than_the_retention_are_pruned_never_a_recent_one(
    store: MemoryPlanRunStore, wall: WallClock
) -> None:
    planner = Planner()
    planner.gate.set()
    runs = _process(planner, store, wall)
    old, task = await runs.plan(DAY)
    assert task is not None
    await task
    wall.now += timedelta(days=7)
    recent, task = await runs.plan(DAY + timedelta(days=1))
    assert task is not None
    await task
    assert await runs.get(old.id) is not None  # exactly the retention: kept
    wall.now += timedelta(seconds=1)
    await runs.plan(DAY + timedelta(days=2))
    assert await runs.get(old.id) is None
    assert await runs.get(recent.id) is not None


class FlakyStore(MemoryPlanRunStore):
    """The database away while a plan runs: beats and the end go unrecorded."""

    away = False

    async def beat(self, *args: Any, **kwargs: Any) -> bool:
        if self.away:
            raise StorageUnavailable("the database is away")
        return await super().beat(*args, **kwargs)

    async def finish(self, *args: Any, **kwargs: Any) -> None:
        if self.away:
            raise StorageUnavailable("the database is away")
        await super().finish(*args, **kwargs)


async def test_a_plan_outlives_a_database_away_and_is_then_reported_interrupted(
    wall: WallClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore()
    planner = Planner()
    runs = PlanRuns(planner, store, budget=0.01, now=wall, heartbeat=timedelta(milliseconds=5))
    run, task = await runs.plan(DAY)
    assert task is not None
    store.away = True
    await asyncio.sleep(0.05)  # a few beats fail
    planner.gate.set()
    assert await task == ()  # the plan itself is done: the POST that waited gets its answer
    assert "could not record the progress" in caplog.text
    assert "could not record how plan" in caplog.text
    # Unrecorded, it stopped beating: once stale, every process reports it interrupted.
    store.away = False
    wall.now += STALE_AFTER + timedelta(seconds=1)
    seen = await runs.get(run.id)
    assert seen is not None
    assert seen.state is PlanRunState.INTERRUPTED
