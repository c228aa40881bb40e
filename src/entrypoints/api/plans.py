"""Plans of a day that may outlive their request: the API waits up to its budget for a plan,
then answers 202 and lets it go on in this process; `GET .../scheduler/plans/{plan}` reports it.

The runs are kept in a `PlanRunStore` (the database), so that every server process answers a
status URL and a restart keeps it. The process running a plan beats every `HEARTBEAT` seconds;
a pending run with no beat for `STALE_AFTER` is reported `interrupted` (its process died), and a
new request for that day starts it again (planning is idempotent). On shutdown (`aclose`) the
runs under way are stopped and marked interrupted. README, "Operations".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from attrs import evolve

from adapters.memory import MemoryPlanRunStore
from bestshot_domain.errors import BestshotError
from bestshot_domain.plan_runs import SHUTDOWN_ERROR, PlanRun, PlanRunState, PlanRunStore
from bestshot_domain.planning import PlanProgress, ScheduleResult
from entrypoints.use_cases import PlanDay

logger = logging.getLogger("bestshot.api")

PLAN_ID_PATTERN = "^[0-9a-f]{32}$"
HEARTBEAT = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=60)  # twelve beats missed: the process is gone, not slow
POLL_SECONDS = 0.25  # how often a request joined to another process's plan looks again
INTERNAL_ERROR = "an internal error"

Results = tuple[ScheduleResult, ...]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PlanRuns:
    """Starts plans, or joins the one of the same day still under way (in any process)."""

    def __init__(
        self,
        plan: PlanDay,
        store: PlanRunStore | None = None,
        *,
        budget: float,
        retention: timedelta = timedelta(days=7),
        now: Callable[[], datetime] = _utc_now,
        heartbeat: timedelta = HEARTBEAT,
        stale_after: timedelta = STALE_AFTER,
    ) -> None:
        self._plan = plan
        self._store: PlanRunStore = store if store is not None else MemoryPlanRunStore()
        self._budget = budget
        self._retention = retention
        self._now = now  # wall time, whatever clock the service plans with (the demo's runs fast)
        self._heartbeat = heartbeat
        self._stale_after = stale_after
        self._tasks: dict[str, asyncio.Task[Results]] = {}
        self._progress: dict[str, PlanProgress] = {}

    async def plan(self, day: date) -> tuple[PlanRun, asyncio.Task[Results] | None]:
        """The day's run, started now unless one is under way, once it is done or the budget
        is spent (it goes on then); with its task when this process runs it."""
        now = self._now()
        await self._store.prune(now - self._retention)
        run, new = await self._store.begin(uuid.uuid4().hex, day, now, now - self._stale_after)
        task = self._start(run) if new else self._tasks.get(run.id)
        if task is not None:
            await asyncio.wait({task}, timeout=self._budget)
        else:
            await self._wait_elsewhere(run.id)
        return await self.get(run.id) or run, task

    async def get(self, plan_id: str) -> PlanRun | None:
        run = await self._store.get(plan_id, self._now() - self._stale_after)
        progress = self._progress.get(plan_id)
        if run is not None and run.state is PlanRunState.PENDING and progress is not None:
            # Ours and under way: how far it got now, not at its last beat.
            run = evolve(
                run,
                planned_tournaments=progress.planned_tournaments(),
                pending_tournaments=progress.pending_tournaments(),
            )
        return run

    async def aclose(self) -> None:
        """Stop the plans under way in this process (the service is shutting down); each is
        recorded as interrupted before this returns."""
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _wait_elsewhere(self, plan_id: str) -> None:
        # Another process runs it: its record tells when it ends.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._budget):
                while True:
                    run = await self.get(plan_id)
                    if run is None or run.state is not PlanRunState.PENDING:
                        return
                    await asyncio.sleep(POLL_SECONDS)

    def _start(self, run: PlanRun) -> asyncio.Task[Results]:
        progress = PlanProgress()
        task = asyncio.get_running_loop().create_task(self._run(run, progress))
        self._tasks[run.id] = task
        self._progress[run.id] = progress
        task.add_done_callback(lambda _: self._finished(run.id, task))
        return task

    async def _run(self, run: PlanRun, progress: PlanProgress) -> Results:
        beating = asyncio.create_task(self._beat(run.id, progress))
        try:
            results = await self._plan(run.day, False, progress)
        except asyncio.CancelledError:
            await self._record(run.id, progress, PlanRunState.INTERRUPTED, error=SHUTDOWN_ERROR)
            raise
        except BestshotError as error:
            # A domain error says what went wrong in words fit for an operator.
            await self._record(run.id, progress, PlanRunState.FAILED, error=str(error))
            raise
        except Exception:
            # Anything else is a defect, logged with its trace (by `_finished`), and not shown.
            await self._record(run.id, progress, PlanRunState.FAILED, error=INTERNAL_ERROR)
            raise
        finally:
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)
        await self._record(run.id, progress, PlanRunState.DONE, results=results)
        return results

    async def _beat(self, plan_id: str, progress: PlanProgress) -> None:
        while True:
            await asyncio.sleep(self._heartbeat.total_seconds())
            try:
                await self._store.beat(
                    plan_id,
                    self._now(),
                    progress.planned_tournaments(),
                    progress.pending_tournaments(),
                )
            except BestshotError:
                # The database is away for a moment: the next beat tries again.
                logger.warning("could not record the progress of plan %s", plan_id)

    async def _record(
        self,
        plan_id: str,
        progress: PlanProgress,
        state: PlanRunState,
        *,
        results: Results | None = None,
        error: str | None = None,
    ) -> None:
        try:
            await self._store.finish(
                plan_id,
                self._now(),
                state,
                results=results,
                error=error,
                planned=progress.planned_tournaments(),
                pending=progress.pending_tournaments(),
            )
        except BestshotError:
            # Unrecorded, the run stops beating and is reported interrupted after STALE_AFTER.
            logger.warning("could not record how plan %s ended", plan_id, exc_info=True)

    def _finished(self, plan_id: str, task: asyncio.Task[Results]) -> None:
        self._tasks.pop(plan_id, None)
        self._progress.pop(plan_id, None)
        if task.cancelled():
            return
        failure = task.exception()  # retrieved, so asyncio does not warn of it
        if failure is not None and not isinstance(failure, BestshotError):
            logger.error("planning failed", exc_info=failure)
