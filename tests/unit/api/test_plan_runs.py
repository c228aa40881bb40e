"""The plans kept in memory: forgetting the oldest finished ones, stopping the ones under way."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bestshot_domain.planning import PlanProgress, ScheduleResult
from entrypoints.api.plans import PlanRuns

DAY = date(2026, 3, 14)


async def test_the_oldest_finished_plans_are_forgotten_never_one_under_way() -> None:
    gate = asyncio.Event()

    async def plan(
        day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        if day == DAY:
            await gate.wait()
        return ()

    runs = PlanRuns(plan, budget=0.01, keep=2)
    held = await runs.plan(DAY)
    assert held.state == "pending"
    finished = [await runs.plan(DAY + timedelta(days=n)) for n in range(1, 5)]
    assert all(run.state == "done" for run in finished)

    assert runs.get(held.id) is held  # under way: kept
    assert [runs.get(run.id) for run in finished[:-2]] == [None, None]  # forgotten
    assert runs.get(finished[-1].id) is finished[-1]

    await runs.aclose()
    stopped = runs.get(held.id)  # read again: mypy keeps the narrowing of the first look
    assert stopped is not None
    assert stopped.state == "failed"
    assert stopped.error == "the plan was stopped (the service shut down)"


async def test_a_defect_is_reported_without_its_words() -> None:
    async def plan(
        day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        raise RuntimeError("password=hunter2 in a driver's message")

    run = await PlanRuns(plan, budget=1.0).plan(DAY)
    assert run.state == "failed"
    assert run.error == "an internal error"
