"""The local scheduler's worker (SCHEDULER_KIND=local): how often it looks, how it retries."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from adapters.local_scheduler import WorkerConfig
from entrypoints.settings.concern import Concern


class WorkerSettings(Concern):
    enabled: bool = Field(
        default=True,
        validation_alias="WORKER_ENABLED",
        description="Run the local scheduler's worker inside `bestshot serve`.",
    )
    poll_seconds: float = Field(default=5.0, gt=0, le=3600, validation_alias="WORKER_POLL_SECONDS")
    max_attempts: int = Field(default=5, ge=1, le=100, validation_alias="WORKER_MAX_ATTEMPTS")
    follow_up_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        validation_alias="WORKER_FOLLOW_UP_MINUTES",
        description="When a fired round still has matches under way, look again this much later.",
    )
    max_follow_ups: int = Field(default=4, ge=0, le=48, validation_alias="WORKER_MAX_FOLLOW_UPS")

    def config(self, *, poll_interval: timedelta | None = None) -> WorkerConfig:
        """The worker's configuration; `poll_interval` replaces WORKER_POLL_SECONDS (tests)."""
        return WorkerConfig(
            poll_interval=poll_interval or timedelta(seconds=self.poll_seconds),
            max_attempts=self.max_attempts,
            follow_up_delay=timedelta(minutes=self.follow_up_minutes),
            max_follow_ups=self.max_follow_ups,
        )
