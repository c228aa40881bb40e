"""The local scheduler's worker (SCHEDULER_KIND=local): how often it looks, how it retries, how
long its caller waits for the API (the same CALLER_READ_TIMEOUT the Lambda reads)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from adapters.caller import CallerConfig
from adapters.local_scheduler.config import WorkerConfig
from entrypoints.settings.concern import Concern


class WorkerSettings(Concern):
    enabled: bool = Field(
        default=True,
        validation_alias="WORKER_ENABLED",
        description="Run the local scheduler's worker inside `bestshot serve`.",
    )
    poll_seconds: float = Field(default=5.0, gt=0, le=3600, validation_alias="WORKER_POLL_SECONDS")
    max_attempts: int = Field(default=5, ge=1, le=100, validation_alias="WORKER_MAX_ATTEMPTS")
    retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        validation_alias="SCHEDULE_RETENTION_DAYS",
        description="Fired and failed local schedules are pruned after this many days.",
    )
    caller_read_timeout: float = Field(
        default=CallerConfig().read_timeout,
        gt=0,
        le=3600,
        validation_alias="CALLER_READ_TIMEOUT",
        description="Seconds the local worker's caller waits for each PATCH's answer.",
    )

    def caller(self) -> CallerConfig:
        """How patient the local worker's caller is with the API."""
        return CallerConfig(read_timeout=self.caller_read_timeout)

    def caller_worst_case(self) -> timedelta:
        """The longest firing: both PATCHes, every attempt waiting its whole timeout, and the
        longest backoff between attempts."""
        caller = self.caller()
        one = caller.attempts * (caller.connect_timeout + caller.read_timeout)
        one += (caller.attempts - 1) * caller.backoff_max
        return timedelta(seconds=2 * one)

    def config(self, *, poll_interval: timedelta | None = None) -> WorkerConfig:
        """The worker's configuration; `poll_interval` replaces WORKER_POLL_SECONDS (tests)."""
        return WorkerConfig(
            poll_interval=poll_interval or timedelta(seconds=self.poll_seconds),
            max_attempts=self.max_attempts,
            retention=timedelta(days=self.retention_days),
        )
