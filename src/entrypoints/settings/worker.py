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

    def config(self, *, poll_interval: timedelta | None = None) -> WorkerConfig:
        """The worker's configuration; `poll_interval` replaces WORKER_POLL_SECONDS (tests)."""
        return WorkerConfig(
            poll_interval=poll_interval or timedelta(seconds=self.poll_seconds),
            max_attempts=self.max_attempts,
        )
