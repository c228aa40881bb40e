"""The local scheduler's store: the `Scheduler` port over the `local_schedules` table.

Claiming is one statement with `FOR UPDATE SKIP LOCKED` that marks rows `running` with a lease
and a fresh claim id; only the holder of the current claim may record the outcome. See
migration 0002 and docs/sources.md.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from attrs import frozen

from adapters.postgres.errors import storage_errors
from adapters.postgres.outbox import append_events
from adapters.postgres.pool import PoolConfig, bounded_connection
from bestshot_domain.emitting import schedule_failed
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule, Survey
from bestshot_domain.scheduling import NAME_PATTERN, spread
from bestshot_routes import Origin, Target


class ScheduleState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@frozen
class LocalSchedule:
    """A schedule as the local scheduler keeps it: the plan, and what became of it."""

    schedule: PlannedSchedule
    target: Target  # the URLs kept with it, checked again before each firing
    state: ScheduleState
    attempts: int
    next_attempt_at: datetime
    fired_at: datetime | None
    last_error: str | None
    claim: UUID | None = None  # the current claim of a running schedule


_COLUMNS = (
    "name",
    "fire_at",
    "tournament_id",
    "round_slug",
    "round_url",
    "standings_url",
    "target_env",
    "state",
    "attempts",
    "next_attempt_at",
    "fired_at",
    "last_error",
    "claim",
)
# Column names are constants of this module, never input: the f-strings below build no SQL
# from anything a user typed.
_SELECT_ALL = f"""
    SELECT {", ".join(_COLUMNS)} FROM local_schedules ORDER BY fire_at, name COLLATE "C"
"""  # noqa: S608
_PENDING = "state IN ('pending', 'running')"  # the predicate of the partial indexes
_SELECT_PENDING = f"""
    SELECT {", ".join(_COLUMNS)} FROM local_schedules WHERE {_PENDING}
    ORDER BY fire_at, name COLLATE "C"
"""  # noqa: S608
# Through local_schedules_pending_by_time (migration 0009): old rows are never read.
_SELECT_FIRING_BETWEEN = f"""
    SELECT {", ".join(_COLUMNS)} FROM local_schedules
    WHERE {_PENDING} AND fire_at >= $1 AND fire_at < $2
    ORDER BY fire_at, name COLLATE "C"
"""  # noqa: S608
# A batch at a time, through local_schedules_finished, so that a first prune of a long history
# holds no lock for long.
_PRUNE = """
    DELETE FROM local_schedules WHERE name IN (
        SELECT name FROM local_schedules
        WHERE state IN ('done', 'failed') AND COALESCE(fired_at, updated_at) < $1
        LIMIT $2
    )
"""
_CLAIM = f"""
    WITH due AS (
        SELECT name FROM local_schedules
        WHERE (state = 'pending' AND next_attempt_at <= $1)
           OR (state = 'running' AND lease_until <= COALESCE($5, now()) AND attempts < $4)
        ORDER BY next_attempt_at, name COLLATE "C"
        LIMIT $2
        FOR UPDATE SKIP LOCKED
    )
    UPDATE local_schedules AS s
    SET state = 'running', attempts = s.attempts + 1,
        lease_until = COALESCE($5, now()) + $3::interval,
        claim = gen_random_uuid(), updated_at = now()
    FROM due WHERE s.name = due.name
    RETURNING {", ".join(f"s.{column}" for column in _COLUMNS)}
"""  # noqa: S608
# A schedule whose worker died during each of its attempts: fail it rather than die again.
_FAIL_ABANDONED = """
    UPDATE local_schedules
    SET state = 'failed', lease_until = NULL, claim = NULL, updated_at = now(),
        last_error = 'the worker stopped during each of its ' || attempts || ' attempts'
    WHERE state = 'running' AND lease_until <= COALESCE($2, now()) AND attempts >= $1
    RETURNING name, tournament_id, round_slug, attempts, updated_at
"""
# Finishing a claim: a schedule re-armed by `ensure`, or claimed again after its lease ran out,
# has another claim id now, and a late answer must not overwrite it.
_CLAIM_IS_CURRENT = "WHERE name = $1 AND state = 'running' AND claim = $2"
_MARK_DONE = f"""
    UPDATE local_schedules
    SET state = 'done', fired_at = $3, lease_until = NULL, claim = NULL, last_error = NULL,
        updated_at = now()
    {_CLAIM_IS_CURRENT}
"""  # noqa: S608
_MARK_FAILED = f"""
    UPDATE local_schedules
    SET state = 'failed', lease_until = NULL, claim = NULL, last_error = $3, updated_at = now()
    {_CLAIM_IS_CURRENT}
    RETURNING name, tournament_id, round_slug, attempts, updated_at
"""  # noqa: S608
_MARK_RETRY = f"""
    UPDATE local_schedules
    SET state = 'pending', lease_until = NULL, claim = NULL, last_error = $3, next_attempt_at = $4,
        updated_at = now()
    {_CLAIM_IS_CURRENT}
"""  # noqa: S608


def _record(row: asyncpg.Record) -> LocalSchedule:
    return LocalSchedule(
        schedule=PlannedSchedule(
            name=row["name"],
            fire_at=row["fire_at"],
            tournament_id=row["tournament_id"],
            round_slug=row["round_slug"],
            target_env=row["target_env"],
        ),
        target=Target(row["round_url"], row["standings_url"], row["target_env"]),
        state=ScheduleState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        fired_at=row["fired_at"],
        last_error=row["last_error"],
        claim=row["claim"],
    )


def _plan_args(schedule: PlannedSchedule, origin: Origin, window: timedelta) -> tuple[object, ...]:
    target = origin.target(schedule.tournament_id, schedule.round_slug, schedule.target_env)
    return (
        schedule.name,
        schedule.fire_at,
        schedule.tournament_id,
        schedule.round_slug,
        target.round_url,
        target.standings_url,
        target.target_env,
        # The first attempt, spread over the flexible window as EventBridge spreads its own.
        schedule.fire_at + spread(schedule.name, window),
    )


class LocalScheduler:
    """The `Scheduler` port over the `local_schedules` table (migration 0002); the targets it
    keeps point at `api_base_url`. A schedule's first attempt comes a fixed while after its time,
    within `flexible_window` (`scheduling.spread`), so that a burst of rounds is spread. Each
    statement waits `acquire_timeout` at most for a connection (StorageBusy past it), the API's
    wait: a pool taken for good must not hang the worker."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        api_base_url: str,
        *,
        flexible_window: timedelta = timedelta(0),
        acquire_timeout: float = PoolConfig().acquire_timeout,
    ) -> None:
        self._pool = pool
        self._window = flexible_window
        self._acquire_timeout = acquire_timeout
        try:
            self._origin = Origin.parse(api_base_url)
        except ValueError as error:
            raise InvalidInput(str(error)) from None

    async def ensure(
        self,
        schedule: PlannedSchedule,
        *,
        exists: bool | None = None,  # one statement either way: no call to spare
    ) -> EnsureOutcome:
        if not NAME_PATTERN.fullmatch(schedule.name):
            raise InvalidInput(f"not a schedule name: {schedule.name!r}")
        # One statement: insert, or update only a row whose plan differs (re-arming it), and
        # say which happened. `xmax = 0` tells an inserted row from an updated one.
        query = """
            INSERT INTO local_schedules AS s (name, fire_at, tournament_id,
                round_slug, round_url, standings_url, target_env, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (name) DO UPDATE SET
                fire_at = EXCLUDED.fire_at,
                tournament_id = EXCLUDED.tournament_id, round_slug = EXCLUDED.round_slug,
                round_url = EXCLUDED.round_url, standings_url = EXCLUDED.standings_url,
                target_env = EXCLUDED.target_env, state = 'pending', attempts = 0,
                next_attempt_at = EXCLUDED.next_attempt_at, lease_until = NULL, claim = NULL,
                fired_at = NULL, last_error = NULL, updated_at = now()
            WHERE (s.fire_at, s.tournament_id, s.round_slug, s.round_url, s.standings_url,
                   s.target_env)
                IS DISTINCT FROM
                  (EXCLUDED.fire_at, EXCLUDED.tournament_id, EXCLUDED.round_slug,
                   EXCLUDED.round_url, EXCLUDED.standings_url, EXCLUDED.target_env)
            RETURNING (xmax = 0) AS inserted
        """
        with storage_errors():
            async with self._connection() as connection:
                inserted = await connection.fetchval(
                    query, *_plan_args(schedule, self._origin, self._window)
                )
        if inserted is None:
            return EnsureOutcome.UNCHANGED
        return EnsureOutcome.CREATED if inserted else EnsureOutcome.UPDATED

    async def list(self) -> Sequence[PlannedSchedule]:
        """The schedules still to fire (pending or running) aimed at this API, by firing time
        then name (as EventBridge lists only those whose target is this API's)."""
        with storage_errors():
            async with self._connection() as connection:
                rows = await connection.fetch(_SELECT_PENDING)
        return self._ours(rows)

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        """Only the pending rows firing in [start, end), through their index."""
        with storage_errors():
            async with self._connection() as connection:
                rows = await connection.fetch(_SELECT_FIRING_BETWEEN, start, end)
        pending = self._ours(rows)
        return Survey(
            names=frozenset(s.name for s in pending),
            pending=tuple(s for s in pending if not skip(s.name)),
        )

    def _ours(self, rows: Sequence[asyncpg.Record]) -> builtins.list[PlannedSchedule]:
        records = (_record(row) for row in rows)
        return [r.schedule for r in records if r.target == self._target(r.schedule)]

    async def prune(self, before: datetime, *, batch: int = 1000) -> int:
        """Delete fired and failed schedules last touched before `before`, `batch` rows per
        statement; how many went."""
        pruned = 0
        while True:
            with storage_errors():
                async with self._connection() as connection:
                    status = await connection.execute(_PRUNE, before, batch)
            count = int(status.split()[-1])
            pruned += count
            if count < batch:
                return pruned

    def _connection(self) -> AbstractAsyncContextManager[PoolConnectionProxy[asyncpg.Record]]:
        return bounded_connection(self._pool, self._acquire_timeout)

    def _target(self, schedule: PlannedSchedule) -> Target:
        return self._origin.target(schedule.tournament_id, schedule.round_slug, schedule.target_env)

    async def records(self) -> Sequence[LocalSchedule]:
        """Every schedule kept, fired and failed ones included, by firing time then name."""
        with storage_errors():
            async with self._connection() as connection:
                rows = await connection.fetch(_SELECT_ALL)
        return [_record(row) for row in rows]

    async def delete(self, name: str) -> None:
        with storage_errors():
            async with self._connection() as connection:
                status = await connection.execute(
                    "DELETE FROM local_schedules WHERE name = $1", name
                )
        if status == "DELETE 0":
            raise NotFound(f"no schedule named {name!r}")

    # The worker's side.

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        max_attempts: int = 1_000_000,
        lease_now: datetime | None = None,
    ) -> Sequence[LocalSchedule]:
        """Mark up to `limit` due schedules running, with a lease, and return them.

        Due: pending whose next attempt has come (on the clock's `now`), or running whose lease
        ran out (its worker died) with attempts left; one whose attempts are spent that way is
        failed instead. Rows another worker is claiming are skipped, not waited for. Leases run
        on `lease_now`, the database's own time when None (production: real time, one clock for
        every worker).
        """
        await self._fail(_FAIL_ABANDONED, max_attempts, lease_now)
        with storage_errors():
            async with self._connection() as connection:
                rows = await connection.fetch(_CLAIM, now, limit, lease, max_attempts, lease_now)
        return sorted(
            (_record(row) for row in rows), key=lambda r: (r.next_attempt_at, r.schedule.name)
        )

    async def mark_done(self, claimed: LocalSchedule, now: datetime) -> bool:
        """Record a successful firing; False when the claim was lost (re-armed or re-claimed)."""
        return await self._finish(_MARK_DONE, claimed, now)

    async def mark_failed(
        self, claimed: LocalSchedule, error: str, retry_at: datetime | None
    ) -> bool:
        """Record a failed attempt: pending again at `retry_at`, or failed for good (None)."""
        if retry_at is None:
            return await self._fail(_MARK_FAILED, claimed.schedule.name, claimed.claim, error)
        return await self._finish(_MARK_RETRY, claimed, error, retry_at)

    async def _finish(self, query: str, claimed: LocalSchedule, *args: object) -> bool:
        with storage_errors():
            async with self._connection() as connection:
                status = await connection.execute(
                    query, claimed.schedule.name, claimed.claim, *args
                )
        return status == "UPDATE 1"

    async def _fail(self, query: str, *args: object) -> bool:
        """Fail schedules for good, with a `schedule.failed` event each in the same transaction."""
        with storage_errors():
            async with self._connection() as connection, connection.transaction():
                rows = await connection.fetch(query, *args)
                events = [
                    schedule_failed(
                        row["tournament_id"],
                        row["name"],
                        row["round_slug"],
                        row["attempts"],
                        row["updated_at"],
                    )
                    for row in rows
                ]
                if events:
                    await append_events(connection, events)
        return bool(rows)
