"""The local scheduler's worker: claims what is due, fires it, records how it went.

A failure the API may get over (`RetryableFireError`) is retried with exponential backoff up to
`max_attempts`; any other fails at once. Follow-up checks of a round still under way are the
API's to ensure (`bestshot_domain.follow_ups`), as for every scheduler; the worker only reports
the one the round update named. Due times come from `clock`, leases from `lease_clock` (the
database's real time unless a test sets one).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from attrs import frozen

from adapters.local_scheduler.config import WorkerConfig
from adapters.local_scheduler.firing import Fire, RetryableFireError
from adapters.local_scheduler.store import LocalSchedule, LocalScheduler, ScheduleState
from adapters.metrics.port import NO_METRICS, FiringOutcome, Metrics
from bestshot_domain.errors import BestshotError, StorageBusy
from bestshot_domain.ports import Clock

logger = logging.getLogger("bestshot.local_scheduler")


@frozen
class FireOutcome:
    name: str
    state: ScheduleState | None  # None: the claim was lost while firing, nothing recorded
    error: str | None = None
    follow_up: str | None = None  # the follow-up check the API ensured for the round, if any


_FIRINGS = {
    ScheduleState.DONE: FiringOutcome.DONE,
    ScheduleState.PENDING: FiringOutcome.RETRY,
    ScheduleState.FAILED: FiringOutcome.FAILED,
    None: FiringOutcome.LOST,
}


class LocalWorker:
    """Fires the local scheduler's due schedules; `run()` polls until stopped."""

    def __init__(
        self,
        scheduler: LocalScheduler,
        *,
        fire: Fire,
        clock: Clock,
        config: WorkerConfig | None = None,
        lease_clock: Clock | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self._scheduler = scheduler
        self._metrics = metrics
        self._fire = fire
        self._clock = clock
        self._config = config or WorkerConfig()
        self._lease_clock = lease_clock
        self._pruned_at: datetime | None = None

    async def prune_if_due(self) -> int | None:
        """Prune the schedules fired or failed longer than the retention ago, unless that was
        done less than `prune_every` ago (None then); how many went."""
        config, now = self._config, self._clock.now()
        if self._pruned_at is not None and now - self._pruned_at < config.prune_every:
            return None
        pruned = await self._scheduler.prune(now - config.retention, batch=config.prune_batch)
        self._pruned_at = now
        if pruned:
            logger.info("local scheduler: pruned %d schedule(s) older than the retention", pruned)
        return pruned

    async def run_once(self) -> list[FireOutcome]:
        """Claim what is due now and fire it (a batch at once); what each firing became."""
        config = self._config
        lease_now = self._lease_clock.now() if self._lease_clock is not None else None
        claimed = await self._scheduler.claim_due(
            self._clock.now(), config.batch_size, config.lease, config.max_attempts, lease_now
        )
        outcomes = list(await asyncio.gather(*(self._fire_one(record) for record in claimed)))
        for outcome in outcomes:
            self._metrics.schedule_fired(_FIRINGS[outcome.state])
        return outcomes

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every `poll_interval` until `stop` is set; a failing poll is logged, not fatal."""
        interval = self._config.poll_interval.total_seconds()
        while not stop.is_set():
            try:
                await self.prune_if_due()
                while outcomes := await self.run_once():
                    # A full batch may mean more are due: go on without waiting.
                    if len(outcomes) < self._config.batch_size or stop.is_set():
                        break
            except StorageBusy as error:
                # A burst holds every connection: the next poll tries again. A warning, not an
                # error: it is not a fault to report (Sentry takes errors as events).
                logger.warning("local scheduler: polling deferred, the pool is busy: %s", error)
            except BestshotError as error:
                logger.error("local scheduler: polling failed: %s", error)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                continue

    async def _fire_one(self, record: LocalSchedule) -> FireOutcome:
        name = record.schedule.name
        try:
            report = await self._fire(record)
        except RetryableFireError as error:
            return await self._failed(record, str(error), retryable=True)
        except Exception as error:  # any failure is recorded on the schedule
            message = str(error) or type(error).__name__
            return await self._failed(record, message, retryable=False)
        now = self._clock.now()
        try:
            recorded = await self._scheduler.mark_done(record, now)
        except BestshotError as error:
            return _unrecorded(record, error)
        if not recorded:
            return FireOutcome(name, None)
        follow_up = report.follow_up
        logger.info(
            "local scheduler: fired %s (attempt %d)%s",
            name,
            record.attempts,
            f"; {report.overdue} match(es) still under way, follow-up {follow_up}"
            if follow_up
            else "",
        )
        return FireOutcome(name, ScheduleState.DONE, follow_up=follow_up)

    async def _failed(self, record: LocalSchedule, error: str, *, retryable: bool) -> FireOutcome:
        now = self._clock.now()
        retry_at = None
        if retryable and record.attempts < self._config.max_attempts:
            retry_at = now + self._config.backoff(record.attempts)
        try:
            recorded = await self._scheduler.mark_failed(record, error, retry_at)
        except BestshotError as failure:
            return _unrecorded(record, failure)
        if not recorded:
            return FireOutcome(record.schedule.name, None, error)
        state = ScheduleState.PENDING if retry_at else ScheduleState.FAILED
        logger.warning(
            "local scheduler: %s failed (attempt %d): %s; %s",
            record.schedule.name,
            record.attempts,
            error,
            f"next attempt at {retry_at.isoformat()}" if retry_at else "giving up",
        )
        return FireOutcome(record.schedule.name, state, error)


def _unrecorded(record: LocalSchedule, error: BestshotError) -> FireOutcome:
    """A firing whose outcome could not be written (no connection came free in time, the
    database went away): the schedule keeps its claim until the lease runs out, then is claimed
    and fired again, as after a worker that died; the rest of the batch goes on."""
    logger.warning(
        "local scheduler: %s fired (attempt %d) but its outcome could not be recorded: %s; "
        "left to its lease",
        record.schedule.name,
        record.attempts,
        error,
    )
    return FireOutcome(record.schedule.name, None, str(error))
