"""The local scheduler at scale: the day's window read through its index, old rows pruned, and
a burst of schedules due together spread over the flexible window."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import asyncpg
import pytest

from adapters.local_scheduler import (
    FireReport,
    LocalSchedule,
    LocalScheduler,
    LocalWorker,
    ScheduleState,
    WorkerConfig,
)
from adapters.memory import SettableClock
from bestshot_domain.scheduling import spread
from tests.builders import FIRE, TEST_API, planned

pytestmark = pytest.mark.integration

WINDOW = timedelta(minutes=10)


class Fired:
    def __init__(self) -> None:
        self.names: list[str] = []

    async def __call__(self, record: LocalSchedule) -> FireReport:
        self.names.append(record.schedule.name)
        return FireReport()


async def test_a_survey_reads_only_the_window_through_its_index(
    postgres_pool: asyncpg.Pool,
) -> None:
    scheduler = LocalScheduler(postgres_pool, TEST_API)
    for day in range(-3, 4):
        await scheduler.ensure(planned(f"liga_day_{day + 3}", FIRE + timedelta(days=day)))

    survey = await scheduler.survey(FIRE, FIRE + timedelta(days=1), skip=lambda _: False)

    assert [s.name for s in survey.pending] == ["liga_day_3"]
    # What the survey asks can be answered from the pending rows' index alone (the planner
    # would scan the tiny table anyway, so scanning is ruled out to see that it can).
    async with postgres_pool.acquire() as connection, connection.transaction():
        await connection.execute("SET LOCAL enable_seqscan = off")
        plan = await connection.fetch(
            "EXPLAIN SELECT name FROM local_schedules "
            "WHERE state IN ('pending', 'running') AND fire_at >= $1 AND fire_at < $2",
            FIRE,
            FIRE + timedelta(days=1),
        )
    assert "local_schedules_pending_by_time" in "\n".join(row[0] for row in plan)


async def test_fired_and_failed_schedules_older_than_the_retention_are_pruned_in_batches(
    postgres_pool: asyncpg.Pool,
) -> None:
    scheduler = LocalScheduler(postgres_pool, TEST_API)
    clock = SettableClock(FIRE)
    worker = LocalWorker(
        scheduler,
        fire=Fired(),
        clock=clock,
        config=WorkerConfig(retention=timedelta(days=30), prune_batch=2),
    )
    names = [f"liga_{n}" for n in range(5)]
    for name in names:
        await scheduler.ensure(planned(name, FIRE - timedelta(minutes=5)))
    assert len(await worker.run_once()) == 5  # all fired (done) at FIRE
    failed = planned("liga_failed", FIRE - timedelta(minutes=1))
    await scheduler.ensure(failed)
    await postgres_pool.execute(
        "UPDATE local_schedules SET state = 'failed', updated_at = $2 WHERE name = $1",
        failed.name,
        FIRE,
    )
    await scheduler.ensure(planned("liga_pending", FIRE + timedelta(days=60)))

    clock.set(FIRE + timedelta(days=29))
    assert await worker.prune_if_due() == 0  # nothing old enough yet
    clock.set(FIRE + timedelta(days=29, minutes=30))
    assert await worker.prune_if_due() is None  # pruned less than an hour ago
    clock.set(FIRE + timedelta(days=31))
    assert await worker.prune_if_due() == 6  # in batches of 2

    left = [(r.schedule.name, r.state) for r in await scheduler.records()]
    assert left == [("liga_pending", ScheduleState.PENDING)]


async def test_a_burst_due_together_is_spread_over_the_window_the_same_way_each_time(
    postgres_pool: asyncpg.Pool,
) -> None:
    scheduler = LocalScheduler(postgres_pool, TEST_API, flexible_window=WINDOW)
    clock = SettableClock(FIRE)
    fired = Fired()
    worker = LocalWorker(scheduler, fire=fired, clock=clock, config=WorkerConfig(batch_size=100))
    burst = [planned(f"round_{n:02d}", FIRE) for n in range(40)]
    for schedule in burst:
        await scheduler.ensure(schedule)
        await scheduler.ensure(schedule)  # planning again moves nothing

    fired_at: dict[str, timedelta] = {}
    for minute in range(11):
        clock.set(FIRE + timedelta(minutes=minute))
        for outcome in await worker.run_once():
            assert outcome.state is ScheduleState.DONE
            fired_at[outcome.name] = timedelta(minutes=minute)

    assert sorted(fired.names) == sorted(s.name for s in burst)  # each fired once
    per_minute = Counter(fired_at.values())
    assert max(per_minute.values()) < len(burst) // 2  # spread, not all in one minute
    for schedule in burst:
        # At its own fixed offset within the window: at the first poll after it, never before.
        offset = spread(schedule.name, WINDOW)
        assert timedelta(0) <= offset < WINDOW
        assert offset <= fired_at[schedule.name] < offset + timedelta(minutes=1)
