"""Planning at scale in the core: bounded concurrency, progress, the survey's window, spreading."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, SettableClock
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.planning import (
    PlanProgress,
    ScheduleResult,
    bounded,
    create_daily_schedules,
)
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from bestshot_domain.scheduling import (
    TEST_DELAY_MAX,
    SchedulingPolicy,
    spread,
    survey_window,
)
from tests.builders import match, round_, team, tournament
from tests.contracts.seed import seed

NAMES = st.from_regex(r"[0-9a-z_.-]{1,64}", fullmatch=True)
DAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)


@given(name=NAMES, minutes=st.integers(min_value=0, max_value=1440))
def test_a_spread_is_fixed_per_name_and_within_the_window(name: str, minutes: int) -> None:
    window = timedelta(minutes=minutes)
    offset = spread(name, window)
    assert offset == spread(name, window)
    assert offset == timedelta(seconds=int(offset.total_seconds()))  # whole seconds
    if minutes == 0:
        assert offset == timedelta(0)
    else:
        assert timedelta(0) <= offset < window


def test_a_burst_of_names_is_spread_over_the_window() -> None:
    offsets = {spread(f"round_{n}_2026_03_14_19_30", timedelta(minutes=10)) for n in range(200)}
    assert len({offset // timedelta(minutes=1) for offset in offsets}) == 10  # every minute used


def test_the_survey_window_covers_the_day_plus_the_window_or_any_test_firing() -> None:
    liga = tournament(timezone="America/Sao_Paulo")
    policy = SchedulingPolicy()
    start, end = survey_window(DAY, [liga], now=NOW, policy=policy)
    assert start == datetime(2026, 3, 14, 3, 0, tzinfo=UTC) + policy.window
    assert end == datetime(2026, 3, 15, 3, 0, tzinfo=UTC) + policy.window

    testing = SchedulingPolicy(test_delay=timedelta(minutes=2))
    start, end = survey_window(DAY, [liga], now=NOW, policy=testing)
    assert start == NOW
    assert end > NOW + TEST_DELAY_MAX


async def test_bounded_keeps_the_order_and_never_runs_more_than_the_limit() -> None:
    running, most = 0, 0

    async def call(item: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (item % 3))
        running -= 1
        return item * 2

    assert await bounded(4, list(range(30)), call) == [item * 2 for item in range(30)]
    assert most == 4


async def test_bounded_raises_the_first_failure_itself_and_stops_the_rest() -> None:
    started: list[int] = []

    async def call(item: int) -> int:
        started.append(item)
        if item == 2:
            raise StorageUnavailable("throttled for good")
        await asyncio.sleep(1)
        return item

    with pytest.raises(StorageUnavailable, match="throttled for good"):
        await bounded(3, list(range(100)), call)
    assert len(started) < 100  # the others were cancelled, not all started


class SlowScheduler(MemoryScheduler):
    """Holds each call for a moment, and records how many ran at once and what was hinted."""

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self.most = 0
        self.hints: list[bool | None] = []

    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        self.hints.append(exists)
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.002)
        self.running -= 1
        return await super().ensure(schedule, exists=exists)


async def _many(count: int) -> MemoryUnitOfWorkFactory:
    factory = MemoryUnitOfWorkFactory()
    for number in range(count):
        tid = f"liga-{number:02d}"
        await seed(
            factory,
            tournaments=[tournament(tid, label=f"Liga {number:02d}", reference=tid)],
            teams=[team(f"{tid}-a"), team(f"{tid}-b")],
            rounds=[round_(tournament_id=tid)],
            matches=[
                match(
                    f"{tid}-m",
                    home=f"{tid}-a",
                    away=f"{tid}-b",
                    tournament_id=tid,
                    kickoff=datetime(2026, 3, 14, 15 + number % 5, 0, tzinfo=UTC),
                )
            ],
        )
    return factory


@pytest.mark.parametrize("concurrency", [1, 4, 16])
async def test_concurrent_planning_answers_as_planning_one_by_one(concurrency: int) -> None:
    factory = await _many(20)
    one_by_one, concurrent = MemoryScheduler(), SlowScheduler()
    progress = PlanProgress()

    async def plan(
        scheduler: MemoryScheduler, limit: int, watch: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        return await create_daily_schedules(
            DAY,
            uow_factory=factory,
            scheduler=scheduler,
            clock=SettableClock(NOW),
            policy=SchedulingPolicy(),
            concurrency=limit,
            progress=watch,
        )

    expected = await plan(one_by_one, 1)
    assert await plan(concurrent, concurrency, progress) == expected
    assert concurrent.most == min(concurrency, 20)
    assert progress.planned_tournaments() == tuple(f"liga-{n:02d}" for n in range(20))
    assert progress.pending_tournaments() == ()
    # Again: the survey found each, so each is compared, not created; the answer says so.
    again = await plan(concurrent, concurrency)
    assert [r.outcome for r in again] == [EnsureOutcome.UNCHANGED] * 20
    assert concurrent.hints[-20:] == [True] * 20


def test_progress_counts_a_tournament_once_all_its_schedules_exist() -> None:
    at = datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    schedules = [
        PlannedSchedule("a_1", at, "a", "r1", "demo"),
        PlannedSchedule("a_2", at, "a", "r2", "demo"),
        PlannedSchedule("b_1", at, "b", "r1", "demo"),
    ]
    progress = PlanProgress()
    assert progress.planned_tournaments() == ()
    progress.expect(schedules)
    assert progress.pending_tournaments() == ("a", "b")
    progress.ensured(schedules[0])
    progress.ensured(schedules[2])
    assert progress.planned_tournaments() == ("b",)
    assert progress.pending_tournaments() == ("a",)
    progress.ensured(schedules[1])
    assert progress.planned_tournaments() == ("a", "b")
