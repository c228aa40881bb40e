"""The local scheduler's worker on a real PostgreSQL: claiming, retries, leases, follow-ups."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import asyncpg
import attrs
import pytest

from adapters.local_scheduler import (
    FireReport,
    LocalSchedule,
    LocalScheduler,
    LocalWorker,
    RetryableFireError,
    ScheduleState,
    WorkerConfig,
)
from adapters.memory import SettableClock
from adapters.metrics import PrometheusMetrics
from adapters.postgres import create_pool
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from bestshot_domain.events import ScheduleFailed
from bestshot_domain.ports import EnsureOutcome
from tests.builders import FIRE, TEST_API, planned
from tests.conftest import TEST_POOL

pytestmark = pytest.mark.integration

# When the leases' clock starts, in tests that set it: any fixed moment will do.
LEASE_START = datetime(2031, 5, 17, 21, 0, tzinfo=UTC)
CONFIG = WorkerConfig(
    batch_size=5,
    lease=timedelta(minutes=10),
    max_attempts=3,
    backoff_initial=timedelta(minutes=1),
    backoff_max=timedelta(minutes=3),
)


class Recorder:
    """A `Fire` that records what it fired and answers from a script (then success)."""

    def __init__(self, *answers: FireReport | Exception, pause: float = 0.0) -> None:
        self.answers = list(answers)
        self.fired: list[str] = []
        self.pause = pause

    async def __call__(self, record: LocalSchedule) -> FireReport:
        self.fired.append(record.schedule.name)
        if self.pause:
            await asyncio.sleep(self.pause)
        answer = self.answers.pop(0) if self.answers else FireReport()
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(FIRE - timedelta(minutes=1))


@pytest.fixture
def scheduler(postgres_pool: asyncpg.Pool) -> LocalScheduler:
    return LocalScheduler(postgres_pool, TEST_API)


def worker(
    scheduler: LocalScheduler,
    fire: Recorder,
    clock: SettableClock,
    metrics: PrometheusMetrics | None = None,
) -> LocalWorker:
    return LocalWorker(
        scheduler, fire=fire, clock=clock, config=CONFIG, metrics=metrics or PrometheusMetrics()
    )


def firings(metrics: PrometheusMetrics) -> dict[str, float]:
    """The worker's firings counted so far, by outcome."""
    return {
        outcome: metrics.registry.get_sample_value(
            "bestshot_schedule_firings_total", {"outcome": outcome}
        )
        or 0.0
        for outcome in ("done", "retry", "failed", "lost")
    }


async def failed_events(pool: asyncpg.Pool) -> list[tuple[str, ScheduleFailed]]:
    """The `schedule.failed` events in the outbox, with their tournament."""
    async with PostgresUnitOfWork(pool) as uow:
        return [
            (event.tournament_id, event.payload)
            for event in await uow.outbox.after(0)
            if isinstance(event.payload, ScheduleFailed)
        ]


async def state_of(scheduler: LocalScheduler, name: str) -> tuple[ScheduleState, int, str | None]:
    (record,) = [r for r in await scheduler.records() if r.schedule.name == name]
    return record.state, record.attempts, record.last_error


async def test_a_schedule_fires_once_when_its_time_has_come(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    fire = Recorder()
    runner = worker(scheduler, fire, clock)
    assert await runner.run_once() == []
    clock.set(FIRE)
    (outcome,) = await runner.run_once()
    assert (outcome.name, outcome.state) == ("round_1", ScheduleState.DONE)
    assert await runner.run_once() == []
    assert fire.fired == ["round_1"]
    (record,) = await scheduler.records()
    assert (record.state, record.attempts, record.fired_at) == (ScheduleState.DONE, 1, FIRE)
    # A fired schedule is no longer pending: the port lists only what will still fire.
    assert list(await scheduler.list()) == []


async def test_a_retryable_failure_is_retried_with_backoff_until_the_attempts_run_out(
    scheduler: LocalScheduler, clock: SettableClock, postgres_pool: asyncpg.Pool
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    fire = Recorder(*(RetryableFireError(f"HTTP 503 #{n}") for n in range(1, 4)))
    metrics = PrometheusMetrics()
    runner = worker(scheduler, fire, clock, metrics)
    clock.set(FIRE)
    (first,) = await runner.run_once()
    assert (first.state, first.error) == (ScheduleState.PENDING, "HTTP 503 #1")
    (record,) = await scheduler.records()
    assert record.next_attempt_at == FIRE + timedelta(minutes=1)
    clock.advance(timedelta(seconds=59))
    assert await runner.run_once() == []  # not before the backoff
    clock.advance(timedelta(seconds=1))
    (second,) = await runner.run_once()
    assert second.state is ScheduleState.PENDING
    (record,) = await scheduler.records()
    assert record.next_attempt_at == clock.now() + timedelta(minutes=2)  # doubled
    clock.advance(timedelta(minutes=2))
    (third,) = await runner.run_once()
    assert third.state is ScheduleState.FAILED
    assert await state_of(scheduler, "round_1") == (ScheduleState.FAILED, 3, "HTTP 503 #3")
    clock.advance(timedelta(days=1))
    assert await runner.run_once() == []
    assert len(fire.fired) == 3
    assert firings(metrics) == {"done": 0, "retry": 2, "failed": 1, "lost": 0}
    # Retries said nothing; giving up is one event, written with the failure.
    schedule = planned("round_1", FIRE)
    assert await failed_events(postgres_pool) == [
        (schedule.tournament_id, ScheduleFailed("round_1", schedule.round_slug, 3))
    ]


async def test_a_retry_then_success_keeps_the_history(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    metrics = PrometheusMetrics()
    runner = worker(scheduler, Recorder(RetryableFireError("connection refused")), clock, metrics)
    clock.set(FIRE)
    await runner.run_once()
    clock.advance(timedelta(minutes=1))
    (outcome,) = await runner.run_once()
    assert outcome.state is ScheduleState.DONE
    assert firings(metrics) == {"done": 1, "retry": 1, "failed": 0, "lost": 0}
    (record,) = await scheduler.records()
    assert (record.state, record.attempts, record.fired_at) == (
        ScheduleState.DONE,
        2,
        clock.now(),
    )


async def test_a_refusal_fails_at_once(scheduler: LocalScheduler, clock: SettableClock) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    runner = worker(scheduler, Recorder(RuntimeError("PATCH refused: HTTP 403")), clock)
    clock.set(FIRE)
    (outcome,) = await runner.run_once()
    assert outcome.state is ScheduleState.FAILED
    assert await state_of(scheduler, "round_1") == (
        ScheduleState.FAILED,
        1,
        "PATCH refused: HTTP 403",
    )


async def test_two_workers_never_fire_one_schedule_twice(
    postgres_url: str, scheduler: LocalScheduler, clock: SettableClock
) -> None:
    names = [f"round_{n:02d}" for n in range(12)]
    for name in names:
        await scheduler.ensure(planned(name, FIRE))
    clock.set(FIRE)
    # Two workers, each on its own pool (as two processes would be), firing slowly enough that
    # their polls overlap.
    other_pool = await create_pool(postgres_url, TEST_POOL)
    try:
        fire = Recorder(pause=0.05)
        workers = [
            worker(scheduler, fire, clock),
            worker(LocalScheduler(other_pool, TEST_API), fire, clock),
        ]

        async def drain(runner: LocalWorker) -> None:
            while await runner.run_once():
                pass

        await asyncio.gather(*(drain(runner) for runner in workers))
    finally:
        await other_pool.close()
    assert Counter(fire.fired) == Counter(names)
    assert {r.state for r in await scheduler.records()} == {ScheduleState.DONE}


@pytest.fixture
def leases() -> SettableClock:
    """The leases' clock, set by the test instead of the database's real time."""
    return SettableClock(LEASE_START)


async def test_a_claim_whose_worker_died_is_taken_again_once_its_lease_runs_out(
    scheduler: LocalScheduler, clock: SettableClock, leases: SettableClock
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    clock.set(FIRE)
    # A worker claims it, then its process dies before it records anything.
    (claimed,) = await scheduler.claim_due(clock.now(), 5, CONFIG.lease, lease_now=leases.now())
    fire = Recorder()
    # The restarted service: a new scheduler object on the same database.
    runner = LocalWorker(
        LocalScheduler(scheduler._pool, TEST_API),
        fire=fire,
        clock=clock,
        config=CONFIG,
        lease_clock=leases,
    )
    leases.advance(CONFIG.lease - timedelta(seconds=1))
    assert await runner.run_once() == []  # the lease still holds
    leases.advance(timedelta(seconds=1))
    (outcome,) = await runner.run_once()
    assert outcome.state is ScheduleState.DONE
    assert fire.fired == ["round_1"]
    assert await state_of(scheduler, "round_1") == (ScheduleState.DONE, 2, None)
    # The dead worker's claim is no longer current: a late answer from it changes nothing.
    assert not await scheduler.mark_failed(claimed, "late", None)
    assert await state_of(scheduler, "round_1") == (ScheduleState.DONE, 2, None)


async def test_the_lease_is_real_time_whatever_the_clock_says(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    clock.set(FIRE)
    await scheduler.claim_due(clock.now(), 5, CONFIG.lease)
    # A fast clock (the demo's) jumps a day ahead: the ten-minute lease still holds.
    clock.advance(timedelta(days=1))
    assert await worker(scheduler, Recorder(), clock).run_once() == []


async def test_a_late_answer_never_overwrites_a_newer_claim(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    clock.set(FIRE)
    (old,) = await scheduler.claim_due(clock.now(), 5, CONFIG.lease)
    # While the first firing is under way, the plan changes: the schedule is re-armed with
    # attempts back at 0, and fires again under a new claim with the same attempt count.
    moved = planned("round_1", FIRE + timedelta(minutes=5))
    assert await scheduler.ensure(moved) is EnsureOutcome.UPDATED
    clock.set(moved.fire_at)
    (new,) = await scheduler.claim_due(clock.now(), 5, CONFIG.lease)
    assert (old.attempts, new.attempts) == (1, 1)
    assert old.claim != new.claim
    assert not await scheduler.mark_done(old, clock.now())
    assert await state_of(scheduler, "round_1") == (ScheduleState.RUNNING, 1, None)
    assert await scheduler.mark_done(new, clock.now())
    assert await state_of(scheduler, "round_1") == (ScheduleState.DONE, 1, None)


async def test_a_schedule_whose_worker_keeps_dying_is_failed_not_claimed_for_ever(
    scheduler: LocalScheduler,
    clock: SettableClock,
    leases: SettableClock,
    postgres_pool: asyncpg.Pool,
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    clock.set(FIRE)
    config = attrs.evolve(CONFIG, max_attempts=2)
    for _ in range(config.max_attempts):  # each claim's worker dies
        assert await scheduler.claim_due(
            clock.now(), 5, config.lease, config.max_attempts, lease_now=leases.now()
        )
        leases.advance(config.lease)
    fire = Recorder()
    runner = LocalWorker(scheduler, fire=fire, clock=clock, config=config, lease_clock=leases)
    assert await runner.run_once() == []
    assert await state_of(scheduler, "round_1") == (
        ScheduleState.FAILED,
        2,
        "the worker stopped during each of its 2 attempts",
    )
    assert fire.fired == []
    assert [payload.attempts for _, payload in await failed_events(postgres_pool)] == [2]


async def test_the_worker_reports_the_apis_follow_up_and_makes_none_of_its_own(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    # Follow-ups are the round update's (bestshot_domain.follow_ups), for every scheduler: the
    # worker passes on what the API said and adds no schedule itself.
    schedule = planned("round_1", FIRE)
    await scheduler.ensure(schedule)
    fire = Recorder(FireReport(overdue=2, follow_up="round_1_api_f1"))
    clock.set(FIRE)
    (outcome,) = await worker(scheduler, fire, clock).run_once()
    assert (outcome.state, outcome.follow_up) == (ScheduleState.DONE, "round_1_api_f1")
    assert list(await scheduler.list()) == []
    assert [r.schedule.name for r in await scheduler.records()] == ["round_1"]


async def test_ensure_re_arms_a_fired_schedule_only_when_the_plan_changed(
    scheduler: LocalScheduler, clock: SettableClock
) -> None:
    schedule = planned("round_1", FIRE)
    await scheduler.ensure(schedule)
    clock.set(FIRE)
    fire = Recorder()
    runner = worker(scheduler, fire, clock)
    await runner.run_once()
    await scheduler.ensure(schedule)  # the same plan again the same day: already done
    clock.advance(timedelta(hours=1))
    assert await runner.run_once() == []
    later = planned("round_1", FIRE + timedelta(hours=2))
    await scheduler.ensure(later)  # a kickoff moved: the schedule fires again at the new time
    assert await state_of(scheduler, "round_1") == (ScheduleState.PENDING, 0, None)
    clock.set(later.fire_at)
    await runner.run_once()
    assert fire.fired == ["round_1", "round_1"]


async def test_a_restart_loses_nothing(postgres_url: str, clock: SettableClock) -> None:
    pool = await create_pool(postgres_url, TEST_POOL)
    try:
        await LocalScheduler(pool, TEST_API).ensure(planned("round_1", FIRE))
    finally:
        await pool.close()
    pool = await create_pool(postgres_url, TEST_POOL)
    try:
        clock.set(FIRE)
        fire = Recorder()
        (outcome,) = await worker(LocalScheduler(pool, TEST_API), fire, clock).run_once()
        assert outcome.state is ScheduleState.DONE
    finally:
        await pool.close()


async def test_run_polls_until_stopped(scheduler: LocalScheduler, clock: SettableClock) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    clock.set(FIRE)
    fired = asyncio.Event()

    async def fire(record: LocalSchedule) -> FireReport:
        fired.set()
        return FireReport()

    fast = attrs.evolve(CONFIG, poll_interval=timedelta(milliseconds=10))
    runner = LocalWorker(scheduler, fire=fire, clock=clock, config=fast)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    await asyncio.wait_for(fired.wait(), timeout=10)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert await state_of(scheduler, "round_1") == (ScheduleState.DONE, 1, None)
