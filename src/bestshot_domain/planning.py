"""Planning a day on a scheduler: read what it holds once, then ensure and delete with bounded
concurrency, recording progress so that an edge can say which tournaments are planned while the
rest is under way. The rules of which schedules a day needs are `scheduling`'s; README, "How it
works" (the day's schedules) and "Operations" (a 1,000-tournament day).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

from attrs import define, field, frozen

from bestshot_domain.days import check_day
from bestshot_domain.errors import NotFound
from bestshot_domain.follow_ups import is_follow_up
from bestshot_domain.model import TournamentId
from bestshot_domain.ports import (
    Clock,
    EnsureOutcome,
    PlannedSchedule,
    Scheduler,
    UnitOfWorkFactory,
)
from bestshot_domain.scheduling import (
    SchedulingPolicy,
    day_window,
    plan_schedules,
    superseded,
    survey_window,
)

T = TypeVar("T")
R = TypeVar("R")


@frozen
class ScheduleResult:
    schedule: PlannedSchedule
    outcome: EnsureOutcome | None  # None on a dry run: planned only (or for a deleted one)
    deleted: bool = False  # an earlier plan's schedule this plan no longer has, now deleted


@define
class PlanProgress:
    """How far a plan got: filled in by `create_daily_schedules` as it goes (one event loop,
    so plain counters), read by whoever reports on a plan still under way."""

    _expected: Counter[TournamentId] = field(factory=Counter)
    _ensured: Counter[TournamentId] = field(factory=Counter)
    known: bool = False  # the plan is made: `planned_tournaments` counts against it

    def expect(self, schedules: Sequence[PlannedSchedule]) -> None:
        self._expected = Counter(schedule.tournament_id for schedule in schedules)
        self.known = True

    def ensured(self, schedule: PlannedSchedule) -> None:
        self._ensured[schedule.tournament_id] += 1

    def planned_tournaments(self) -> tuple[TournamentId, ...]:
        """The tournaments each of whose schedules of the day exists as planned, sorted."""
        return tuple(sorted(t for t, count in self._expected.items() if self._ensured[t] >= count))

    def pending_tournaments(self) -> tuple[TournamentId, ...]:
        done = set(self.planned_tournaments())
        return tuple(sorted(t for t in self._expected if t not in done))


async def bounded(limit: int, items: Sequence[T], call: Callable[[T], Awaitable[R]]) -> list[R]:
    """`call` on each item, at most `limit` at once, the answers in the items' order. The first
    failure cancels the calls still running and is raised as itself (not as a group)."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(item: T) -> R:
        async with gate:
            return await call(item)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(item)) for item in items]
    except BaseExceptionGroup as failed:
        first: BaseException = failed
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None
    return [task.result() for task in tasks]


async def create_daily_schedules(
    day: date | None = None,
    *,
    uow_factory: UnitOfWorkFactory,
    scheduler: Scheduler,
    clock: Clock,
    policy: SchedulingPolicy,
    dry_run: bool = False,
    concurrency: int = 1,
    progress: PlanProgress | None = None,
) -> tuple[ScheduleResult, ...]:
    """Plan the schedules `day` (default: today in UTC) needs and make sure each exists; then
    delete the schedules an earlier plan of the day made that this one no longer has (a moved
    kickoff renames its schedule: `scheduling.superseded`), so that stale ones do not fire.

    The scheduler is read once (`Scheduler.survey`, only the firing times the day's plans can
    have), then up to `concurrency` calls run at once. The results list the planned schedules in
    the plan's order, then the deleted ones. A dry run only plans: it neither reads nor changes
    the scheduler. DayOutOfRange for a day outside `days`' range.
    """
    now = clock.now()
    day = check_day(day if day is not None else now.date())
    async with uow_factory() as uow:
        tournaments = await uow.tournaments.list()
        start, end = day_window(day, tournaments)
        matches = await uow.matches.kicking_off(start, end)
    planned = plan_schedules(day, tournaments, matches, now=now, policy=policy)
    if dry_run:
        return tuple(ScheduleResult(schedule, None) for schedule in planned)
    progress = progress if progress is not None else PlanProgress()
    progress.expect(planned)
    names = {schedule.name for schedule in planned}
    low, high = survey_window(day, tournaments, now=now, policy=policy)
    # Follow-ups are the round updates' own; the plan's names need no reading back.
    survey = await scheduler.survey(low, high, skip=lambda n: n in names or is_follow_up(n))

    async def ensure(schedule: PlannedSchedule) -> ScheduleResult:
        outcome = await scheduler.ensure(schedule, exists=schedule.name in survey.names)
        progress.ensured(schedule)
        return ScheduleResult(schedule, outcome)

    results = await bounded(concurrency, planned, ensure)
    # Only after the new ones exist, so that a failure between leaves a schedule too many
    # (harmless: round updates are idempotent), never one too few.
    stale = superseded(day, tournaments, planned, survey.pending, now=now, policy=policy)

    async def delete(schedule: PlannedSchedule) -> ScheduleResult | None:
        try:
            await scheduler.delete(schedule.name)
        except NotFound:  # fired (and gone) since the survey
            return None
        return ScheduleResult(schedule, None, deleted=True)

    deleted = await bounded(concurrency, stale, delete)
    return (*results, *(result for result in deleted if result is not None))
