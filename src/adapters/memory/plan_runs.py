"""The PlanRunStore port in memory (`bestshot_domain.plan_runs`): one process's runs in a dict,
for the unit tests and a service wired without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from attrs import evolve

from bestshot_domain.model import TournamentId
from bestshot_domain.plan_runs import STALE_ERROR, PlanRun, PlanRunState
from bestshot_domain.planning import ScheduleResult


class MemoryPlanRunStore:
    def __init__(self) -> None:
        self._runs: dict[str, PlanRun] = {}

    async def begin(
        self, run_id: str, day: date, now: datetime, stale_before: datetime
    ) -> tuple[PlanRun, bool]:
        for key, run in self._runs.items():
            if run.day != day or run.state is not PlanRunState.PENDING:
                continue
            if run.beat_at >= stale_before:
                return run, False
            self._runs[key] = evolve(
                run, state=PlanRunState.INTERRUPTED, error=STALE_ERROR, beat_at=now
            )
        run = PlanRun(run_id, day, PlanRunState.PENDING, started_at=now, beat_at=now)
        self._runs[run_id] = run
        return run, True

    async def beat(
        self,
        run_id: str,
        now: datetime,
        planned: Sequence[TournamentId],
        pending: Sequence[TournamentId],
    ) -> bool:
        run = self._runs.get(run_id)
        if run is None or run.state is not PlanRunState.PENDING:
            return False
        self._runs[run_id] = evolve(
            run, beat_at=now, planned_tournaments=tuple(planned), pending_tournaments=tuple(pending)
        )
        return True

    async def finish(
        self,
        run_id: str,
        now: datetime,
        state: PlanRunState,
        *,
        results: Sequence[ScheduleResult] | None = None,
        error: str | None = None,
        planned: Sequence[TournamentId] = (),
        pending: Sequence[TournamentId] = (),
    ) -> None:
        run = self._runs.get(run_id)
        if run is None:
            return
        self._runs[run_id] = evolve(
            run,
            state=state,
            beat_at=now,
            results=None if results is None else tuple(results),
            error=error,
            planned_tournaments=tuple(planned),
            pending_tournaments=tuple(pending),
        )

    async def get(self, run_id: str, stale_before: datetime) -> PlanRun | None:
        run = self._runs.get(run_id)
        return None if run is None else run.seen(stale_before)

    async def prune(self, ended_before: datetime) -> int:
        old = [key for key, run in self._runs.items() if run.beat_at < ended_before]
        for key in old:
            del self._runs[key]
        return len(old)
