"""The PlanRunStore port over the `plan_runs` table (migration 0012).

Starting a run takes a transaction-level advisory lock on the day, marks the day's stale pending
run interrupted and joins or inserts: two processes asked at once start one run between them
(the partial unique index on pending runs holds it too). Results are kept as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import asyncpg

from adapters.postgres.errors import storage_errors
from bestshot_domain.model import TournamentId
from bestshot_domain.plan_runs import STALE_ERROR, PlanRun, PlanRunState
from bestshot_domain.planning import ScheduleResult
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule

# "plans" in ASCII, then the day: the lock of one day's start.
_LOCK_PREFIX = int.from_bytes(b"plans", "big") << 24
_COLUMNS = (
    "id, day, state, started_at, beat_at, planned_tournaments, pending_tournaments, results, error"
)


def _result_json(result: ScheduleResult) -> dict[str, Any]:
    schedule = result.schedule
    return {
        "name": schedule.name,
        "fireAt": schedule.fire_at.isoformat(),
        "tournamentId": schedule.tournament_id,
        "roundSlug": schedule.round_slug,
        "targetEnv": schedule.target_env,
        "outcome": None if result.outcome is None else str(result.outcome),
        "deleted": result.deleted,
    }


def _result(data: dict[str, Any]) -> ScheduleResult:
    schedule = PlannedSchedule(
        data["name"],
        datetime.fromisoformat(data["fireAt"]),
        data["tournamentId"],
        data["roundSlug"],
        data["targetEnv"],
    )
    outcome = None if data["outcome"] is None else EnsureOutcome(data["outcome"])
    return ScheduleResult(schedule, outcome, deleted=data["deleted"])


def _run(row: asyncpg.Record) -> PlanRun:
    results = row["results"]
    return PlanRun(
        row["id"],
        row["day"],
        PlanRunState(row["state"]),
        row["started_at"],
        row["beat_at"],
        tuple(row["planned_tournaments"]),
        tuple(row["pending_tournaments"]),
        None if results is None else tuple(_result(item) for item in json.loads(results)),
        row["error"],
    )


class PostgresPlanRunStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def begin(
        self, run_id: str, day: date, now: datetime, stale_before: datetime
    ) -> tuple[PlanRun, bool]:
        with storage_errors():
            async with self._pool.acquire() as connection, connection.transaction():
                await connection.execute(
                    "SELECT pg_advisory_xact_lock($1)", _LOCK_PREFIX + day.toordinal()
                )
                await connection.execute(
                    """
                    UPDATE plan_runs SET state = 'interrupted', error = $3, beat_at = $4
                    WHERE day = $1 AND state = 'pending' AND beat_at < $2
                    """,
                    day,
                    stale_before,
                    STALE_ERROR,
                    now,
                )
                row = await connection.fetchrow(
                    f"SELECT {_COLUMNS} FROM plan_runs WHERE day = $1 AND state = 'pending'",  # noqa: S608 - constant columns
                    day,
                )
                if row is not None:
                    return _run(row), False
                inserted = await connection.fetchrow(
                    f"""
                    INSERT INTO plan_runs (id, day, state, started_at, beat_at)
                    VALUES ($1, $2, 'pending', $3, $3) RETURNING {_COLUMNS}
                    """,  # noqa: S608 - constant columns
                    run_id,
                    day,
                    now,
                )
        return _run(cast("asyncpg.Record", inserted)), True  # RETURNING: always a row

    async def beat(
        self,
        run_id: str,
        now: datetime,
        planned: Sequence[TournamentId],
        pending: Sequence[TournamentId],
    ) -> bool:
        with storage_errors():
            status: str = await self._pool.execute(
                """
                UPDATE plan_runs
                SET beat_at = $2, planned_tournaments = $3, pending_tournaments = $4
                WHERE id = $1 AND state = 'pending'
                """,
                run_id,
                now,
                list(planned),
                list(pending),
            )
        return status != "UPDATE 0"

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
        shown = None if results is None else json.dumps([_result_json(r) for r in results])
        with storage_errors():
            await self._pool.execute(
                """
                UPDATE plan_runs
                SET state = $2, beat_at = $3, results = $4::jsonb, error = $5,
                    planned_tournaments = $6, pending_tournaments = $7
                WHERE id = $1
                """,
                run_id,
                str(state),
                now,
                shown,
                error,
                list(planned),
                list(pending),
            )

    async def get(self, run_id: str, stale_before: datetime) -> PlanRun | None:
        with storage_errors():
            row = await self._pool.fetchrow(
                f"SELECT {_COLUMNS} FROM plan_runs WHERE id = $1",  # noqa: S608 - constant columns
                run_id,
            )
        return None if row is None else _run(row).seen(stale_before)

    async def prune(self, ended_before: datetime) -> int:
        with storage_errors():
            status: str = await self._pool.execute(
                "DELETE FROM plan_runs WHERE beat_at < $1", ended_before
            )
        return int(status.rsplit(maxsplit=1)[-1])
