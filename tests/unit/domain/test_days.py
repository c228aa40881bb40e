"""The accepted range of days: planning and the demo source work on every day of it, in time
zones far east and west of UTC, and refuse any other day with DayOutOfRange, never with an
OverflowError from the arithmetic."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.demo import DemoSource, simulate
from bestshot_domain.days import FIRST_DAY, LAST_DAY, DayOutOfRange, check_day
from bestshot_domain.ports import PlannedSchedule
from bestshot_domain.scheduling import SchedulingPolicy, day_window, plan_schedules
from bestshot_domain.services import create_daily_schedules
from tests.builders import match, round_, team, tournament
from tests.contracts.seed import seed

# Kiritimati is UTC+14 and Etc/GMT+12 is UTC-12 (POSIX signs): the two ends of the world's day.
ZONES = [
    "Pacific/Kiritimati",
    "Etc/GMT-14",
    "Asia/Tokyo",
    "UTC",
    "Europe/London",
    "America/Sao_Paulo",
    "Etc/GMT+12",
    "Pacific/Pago_Pago",
]
EXTREMES = [
    date.min,
    date.min + timedelta(days=1),
    FIRST_DAY - timedelta(days=1),
    FIRST_DAY,
    LAST_DAY,
    LAST_DAY + timedelta(days=1),
    date.max - timedelta(days=1),
    date.max,
]
POLICY = SchedulingPolicy()
ANY_DAY = st.dates()  # date.min to date.max: in the range and far outside it
IN_RANGE = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
NOWS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)
)


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


@pytest.mark.parametrize("day", EXTREMES)
def test_check_day_accepts_exactly_the_range(day: date) -> None:
    if in_range(day):
        assert check_day(day) == day
    else:
        with pytest.raises(DayOutOfRange, match="from 1900-01-01 to 2200-12-31"):
            check_day(day)


async def _plan_through_the_use_case(
    day: date, timezone: str, kickoff: datetime | None, now: datetime, dry_run: bool
) -> tuple[PlannedSchedule, ...]:
    factory = MemoryUnitOfWorkFactory()
    await seed(
        factory,
        tournaments=[tournament(timezone=timezone)],
        teams=[team("a"), team("b")],
        rounds=[round_("matchday-1")],
        matches=[match(kickoff=kickoff)] if kickoff is not None else [],
    )
    results = await create_daily_schedules(
        day,
        uow_factory=factory,
        scheduler=MemoryScheduler(),
        clock=SettableClock(now),
        policy=POLICY,
        dry_run=dry_run,
    )
    return tuple(result.schedule for result in results)


@settings(max_examples=300, deadline=None)
@given(
    day=ANY_DAY | IN_RANGE,
    timezone=st.sampled_from(ZONES),
    local_time=st.times(),
    now=NOWS,
    dry_run=st.booleans(),
)
@example(
    day=date.max,
    timezone="Pacific/Kiritimati",
    local_time=time(23, 59),
    now=datetime(2026, 1, 1, tzinfo=UTC),
    dry_run=False,
)
@example(
    day=date.min,
    timezone="Etc/GMT+12",
    local_time=time(0, 0),
    now=datetime(2026, 1, 1, tzinfo=UTC),
    dry_run=False,
)
def test_planning_any_day_succeeds_in_the_range_and_says_so_outside_it(
    day: date, timezone: str, local_time: time, now: datetime, dry_run: bool
) -> None:
    kickoff = None
    if in_range(day):
        kickoff = datetime.combine(day, local_time, tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    planning = _plan_through_the_use_case(day, timezone, kickoff, now, dry_run)
    if not in_range(day):
        with pytest.raises(DayOutOfRange):
            asyncio.run(planning)
        with pytest.raises(DayOutOfRange):
            day_window(day, [tournament(timezone=timezone)])
        with pytest.raises(DayOutOfRange):
            plan_schedules(day, [tournament(timezone=timezone)], [], now=now, policy=POLICY)
        return
    planned = asyncio.run(planning)
    assert kickoff is not None
    assert [(p.tournament_id, p.round_slug) for p in planned] in ([], [("liga-test", "matchday-1")])
    for schedule in planned:
        assert schedule.fire_at >= min(kickoff + POLICY.window, now + timedelta(minutes=1))


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("timezone", ZONES)
def test_planning_the_extremes(day: date, timezone: str) -> None:
    now = datetime(2026, 3, 14, tzinfo=UTC)
    if in_range(day):
        kickoff = datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(timezone))
        planned = asyncio.run(_plan_through_the_use_case(day, timezone, kickoff, now, False))
        assert len(planned) == 1
    else:
        with pytest.raises(DayOutOfRange):
            asyncio.run(_plan_through_the_use_case(day, timezone, None, now, False))


@settings(max_examples=150, deadline=None)
@given(day=ANY_DAY | IN_RANGE, first_kickoff=st.times(), now=NOWS)
@example(day=date.max, first_kickoff=time(23, 59), now=datetime(2026, 1, 1, tzinfo=UTC))
@example(day=date.min, first_kickoff=time(0, 0), now=datetime(2026, 1, 1, tzinfo=UTC))
@example(day=LAST_DAY, first_kickoff=time(23, 59), now=datetime(2200, 12, 31, tzinfo=UTC))
@example(day=FIRST_DAY, first_kickoff=time(0, 0), now=datetime(1900, 1, 1, tzinfo=UTC))
def test_the_demo_source_takes_any_day_of_the_range_and_refuses_the_others(
    day: date, first_kickoff: time, now: datetime
) -> None:
    reference = f"42/{day.isoformat()}T{first_kickoff:%H:%M}"
    fixtures = DemoSource(SettableClock(now)).fixtures(reference)
    if not in_range(day):
        with pytest.raises(DayOutOfRange, match="from 1900-01-01 to 2200-12-31"):
            asyncio.run(fixtures)
        return
    assert len(asyncio.run(fixtures).matches) == 380
    assert len(simulate(f"42/{day.isoformat()}", now)) == 380


@pytest.mark.parametrize("reference", ["42/9999-12-31", "42/0001-01-01"])
def test_the_issue_s_demo_references_are_refused(reference: str) -> None:
    with pytest.raises(DayOutOfRange, match=reference):
        simulate(reference, datetime(2026, 1, 1, tzinfo=UTC))
