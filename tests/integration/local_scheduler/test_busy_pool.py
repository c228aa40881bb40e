"""The local scheduler when every connection of its pool is taken (issue 17): each wait for one
is bounded by the pool's acquire timeout, as the API's is, so the worker never hangs; it logs,
tries again on a later tick, and leaves nothing half-done.

Every wait is bounded by BOUND, far above the acquire timeout under test: a check is only ever
"gave up before the bound", never a measured duration.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import attrs
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
from bestshot_domain.errors import StorageBusy
from tests.builders import FIRE, TEST_API, planned

pytestmark = pytest.mark.integration

BOUND = 30.0
ACQUIRE = 0.2  # the bounded wait under test
LEASE_START = datetime(2031, 5, 17, 21, 0, tzinfo=UTC)
CONFIG = WorkerConfig(poll_interval=timedelta(milliseconds=20), lease=timedelta(minutes=10))


@pytest.fixture
def scheduler(one_connection: asyncpg.Pool) -> LocalScheduler:
    return LocalScheduler(one_connection, TEST_API, acquire_timeout=ACQUIRE)


async def _state(scheduler: LocalScheduler, name: str) -> tuple[ScheduleState, int]:
    (record,) = [r for r in await scheduler.records() if r.schedule.name == name]
    return record.state, record.attempts


async def test_every_pool_call_gives_up_after_the_bounded_wait(
    scheduler: LocalScheduler, one_connection: asyncpg.Pool
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "claim": lambda: scheduler.claim_due(FIRE, 5, timedelta(minutes=10)),
        "ensure": lambda: scheduler.ensure(planned("round_2", FIRE)),
        "list": scheduler.list,
        "records": scheduler.records,
        "prune": lambda: scheduler.prune(FIRE),
        "delete": lambda: scheduler.delete("round_1"),
    }
    async with one_connection.acquire():
        for name, call in calls.items():
            with pytest.raises(StorageBusy, match="no database connection was free"):
                await asyncio.wait_for(call(), timeout=BOUND)  # hung before: no bound at all
            assert name  # every one of them
    # Nothing was done by the calls that gave up.
    assert await scheduler.list() == [planned("round_1", FIRE)]
    assert await _state(scheduler, "round_1") == (ScheduleState.PENDING, 0)


async def test_the_worker_logs_a_busy_pool_and_fires_on_a_later_tick(
    scheduler: LocalScheduler, one_connection: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    await scheduler.ensure(planned("round_1", FIRE))
    fired = asyncio.Event()

    async def fire(record: LocalSchedule) -> FireReport:
        fired.set()
        return FireReport()

    runner = LocalWorker(scheduler, fire=fire, clock=SettableClock(FIRE), config=CONFIG)
    stop = asyncio.Event()
    held = await one_connection.acquire()
    released = False
    running = asyncio.create_task(runner.run(stop))
    try:
        async with asyncio.timeout(BOUND):
            while "no database connection was free" not in caplog.text:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        assert not running.done()  # logged, not fatal
        assert not fired.is_set()
        await one_connection.release(held)
        released = True
        await asyncio.wait_for(fired.wait(), timeout=BOUND)
    finally:
        if not released:
            await one_connection.release(held)
        stop.set()
        await asyncio.wait_for(running, timeout=BOUND)
    assert any(
        r.levelno == logging.WARNING and "the pool is busy" in r.getMessage()
        for r in caplog.records
    )
    # Busy is not a fault: nothing at ERROR, which Sentry would take as an event.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await _state(scheduler, "round_1") == (ScheduleState.DONE, 1)


async def test_an_outcome_that_cannot_be_recorded_is_left_to_the_lease(
    scheduler: LocalScheduler, one_connection: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    """Fired, then no connection to record it: the batch goes on, the schedule stays claimed
    until its lease runs out, then it is fired again (a firing is idempotent)."""
    await scheduler.ensure(planned("round_1", FIRE))
    await scheduler.ensure(planned("round_2", FIRE))
    held: list[object] = []

    async def fire(record: LocalSchedule) -> FireReport:
        if record.schedule.name == "round_1" and not held:
            # Something else takes the pool's only connection while round_1 fires.
            held.append(await one_connection.acquire())
        return FireReport()

    lease_clock = SettableClock(LEASE_START)
    runner = LocalWorker(
        scheduler,
        fire=fire,
        clock=SettableClock(FIRE),
        config=attrs.evolve(CONFIG, batch_size=1),
        lease_clock=lease_clock,
    )
    (first,) = await asyncio.wait_for(runner.run_once(), timeout=BOUND)
    assert (first.name, first.state) == ("round_1", None)
    assert first.error is not None
    assert "no database connection was free" in first.error
    assert "left to its lease" in caplog.text
    await one_connection.release(held[0])  # type: ignore[arg-type]

    (second,) = await runner.run_once()
    assert (second.name, second.state) == ("round_2", ScheduleState.DONE)
    assert await runner.run_once() == []  # round_1 is still under its lease
    assert await _state(scheduler, "round_1") == (ScheduleState.RUNNING, 1)
    lease_clock.advance(CONFIG.lease + timedelta(seconds=1))
    (again,) = await runner.run_once()
    assert (again.name, again.state) == ("round_1", ScheduleState.DONE)
    assert await _state(scheduler, "round_1") == (ScheduleState.DONE, 2)
