"""Plans of a day that outlive their request, as every server process sees them: a record per
run and `PlanRunStore`, the port that keeps them (PostgreSQL, migration 0012; or memory).

The process running a plan beats (`beat`) while it goes; a run still pending whose last beat is
older than the bound its reader gives is reported `interrupted` (its process died). README,
"Operations" (plans in the background).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from attrs import evolve, frozen

from bestshot_domain.model import TournamentId
from bestshot_domain.planning import ScheduleResult


class PlanRunState(enum.StrEnum):
    PENDING = "pending"  # under way in some process, which beats
    DONE = "done"
    FAILED = "failed"  # `error` says why
    INTERRUPTED = "interrupted"  # stopped before it finished: a shutdown, or its process died


@frozen
class PlanRun:
    id: str  # 32 hex digits
    day: date
    state: PlanRunState
    started_at: datetime
    beat_at: datetime  # the running process's last sign of life, or when the run ended
    planned_tournaments: tuple[TournamentId, ...] = ()
    pending_tournaments: tuple[TournamentId, ...] = ()
    results: tuple[ScheduleResult, ...] | None = None  # once done
    error: str | None = None  # once failed or interrupted: words fit for an operator

    def seen(self, stale_before: datetime) -> PlanRun:
        """The run as a reader reports it: pending with no beat since `stale_before` means its
        process is gone."""
        if self.state is PlanRunState.PENDING and self.beat_at < stale_before:
            return evolve(self, state=PlanRunState.INTERRUPTED, error=STALE_ERROR)
        return self


STALE_ERROR = "the process planning it stopped answering; plan the day again"
SHUTDOWN_ERROR = "the service shut down before the plan finished; plan the day again"


class PlanRunStore(Protocol):
    """Plan runs, shared by every process of the service. Times are always the caller's, so
    that the store needs no clock of its own."""

    async def begin(
        self, run_id: str, day: date, now: datetime, stale_before: datetime
    ) -> tuple[PlanRun, bool]:
        """The day's run under way (one whose last beat is at or after `stale_before`), or a
        new pending one with `run_id`: (the run, whether it is the new one). Runs of the day
        pending but stale are marked interrupted first. At most one run of a day is pending."""
        ...

    async def beat(
        self,
        run_id: str,
        now: datetime,
        planned: Sequence[TournamentId],
        pending: Sequence[TournamentId],
    ) -> bool:
        """The run is alive, with its progress; False when it is no longer pending."""
        ...

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
        """The run ended (`state` is not pending), whatever it was marked meanwhile."""
        ...

    async def get(self, run_id: str, stale_before: datetime) -> PlanRun | None:
        """The run as a reader reports it (`PlanRun.seen`), or None when unknown or pruned."""
        ...

    async def prune(self, ended_before: datetime) -> int:
        """Forget the runs whose last beat is before `ended_before` (a pending one that old is
        long stale); how many."""
        ...
