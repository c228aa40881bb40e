"""Plans of a day that may outlive their request: the API waits up to its budget for a plan,
then answers 202 and lets it go on in this process; `GET .../scheduler/plans/{plan}` reports it.

Kept in memory, the last few per process: a status URL answers from the process that accepted the
plan, and a restart forgets it (planning again is idempotent). README, "Operations".
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from datetime import date
from typing import Literal

from attrs import define, field

from bestshot_domain.errors import BestshotError
from bestshot_domain.planning import PlanProgress, ScheduleResult
from entrypoints.use_cases import PlanDay

logger = logging.getLogger("bestshot.api")

PlanState = Literal["pending", "done", "failed"]
PLAN_ID_PATTERN = "^[0-9a-f]{32}$"


@define
class PlanRun:
    id: str
    day: date
    task: asyncio.Task[tuple[ScheduleResult, ...]]
    progress: PlanProgress = field(factory=PlanProgress)

    @property
    def state(self) -> PlanState:
        if not self.task.done():
            return "pending"
        return "failed" if self.task.cancelled() or self.task.exception() else "done"

    @property
    def results(self) -> tuple[ScheduleResult, ...] | None:
        return self.task.result() if self.state == "done" else None

    @property
    def error(self) -> str | None:
        if self.state != "failed":
            return None
        if self.task.cancelled():
            return "the plan was stopped (the service shut down)"
        failure = self.task.exception()
        # A domain error says what went wrong in words fit for an operator; anything else is a
        # defect, logged with its trace, and not shown.
        return str(failure) if isinstance(failure, BestshotError) else "an internal error"


class PlanRuns:
    """Starts plans, or joins the one of the same day still under way."""

    def __init__(self, plan: PlanDay, *, budget: float, keep: int = 32) -> None:
        self._plan = plan
        self._budget = budget
        self._keep = keep
        self._runs: OrderedDict[str, PlanRun] = OrderedDict()

    async def plan(self, day: date) -> PlanRun:
        """The day's plan, started now unless one is under way, once it is done or the budget
        is spent (it goes on then)."""
        run = next((r for r in self._runs.values() if r.day == day and r.state == "pending"), None)
        if run is None:
            run = self._start(day)
        await asyncio.wait({run.task}, timeout=self._budget)
        return run

    def get(self, plan_id: str) -> PlanRun | None:
        return self._runs.get(plan_id)

    async def aclose(self) -> None:
        """Stop the plans still under way (the service is shutting down)."""
        pending = [run.task for run in self._runs.values() if not run.task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _start(self, day: date) -> PlanRun:
        progress = PlanProgress()

        async def plan() -> tuple[ScheduleResult, ...]:
            return await self._plan(day, False, progress)

        task = asyncio.get_running_loop().create_task(plan())
        run = PlanRun(uuid.uuid4().hex, day, task, progress)
        task.add_done_callback(lambda _: self._finished(run))
        self._runs[run.id] = run
        self._forget_old()
        return run

    def _finished(self, run: PlanRun) -> None:
        if run.state == "failed" and not run.task.cancelled():
            failure = run.task.exception()  # retrieved, so asyncio does not warn of it
            if not isinstance(failure, BestshotError):
                logger.error("planning %s failed", run.day, exc_info=failure)

    def _forget_old(self) -> None:
        # The oldest finished ones go first; plans under way are never forgotten.
        finished = [plan_id for plan_id, run in self._runs.items() if run.task.done()]
        for plan_id in finished[: max(0, len(self._runs) - self._keep)]:
            del self._runs[plan_id]
