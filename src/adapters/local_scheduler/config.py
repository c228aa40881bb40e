"""How the local worker polls, leases, retries and prunes, as a plain value: no driver imported,
so that reading the settings (`entrypoints.settings.worker`) does not load asyncpg."""

from __future__ import annotations

from datetime import timedelta

from attrs import field, frozen

from bestshot_domain.validators import positive

__all__ = ["WorkerConfig"]


@frozen
class WorkerConfig:
    poll_interval: timedelta = field(default=timedelta(seconds=5), validator=positive)
    batch_size: int = field(default=5, validator=positive)  # schedules fired at once
    # Real time, longer than the caller's worst case (attempts x timeouts + backoff): a lease
    # that runs out while the call still runs would let a second worker fire it again.
    lease: timedelta = field(default=timedelta(minutes=10), validator=positive)
    max_attempts: int = field(default=5, validator=positive)
    backoff_initial: timedelta = field(default=timedelta(seconds=30), validator=positive)
    backoff_max: timedelta = field(default=timedelta(minutes=15), validator=positive)
    # Fired and failed schedules are kept this long (the clock's time), then pruned in batches
    # at most once per `prune_every`.
    retention: timedelta = field(default=timedelta(days=30), validator=positive)
    prune_every: timedelta = field(default=timedelta(hours=1), validator=positive)
    prune_batch: int = field(default=1000, validator=positive)

    def backoff(self, attempts: int) -> timedelta:
        """The wait before attempt `attempts + 1`: doubling from `backoff_initial`, capped."""
        wait = self.backoff_initial * (1 << max(0, attempts - 1))
        return min(wait, self.backoff_max)
