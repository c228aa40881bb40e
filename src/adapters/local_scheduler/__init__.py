"""The local scheduler: schedules kept in PostgreSQL, fired by a worker inside the process.

What EventBridge Scheduler and the Lambda are in production, for a laptop or a single server:
`store` (the `Scheduler` port over the `local_schedules` table), `worker` (claiming, leases,
retries) and `firing` (calling the API through the caller). See docs/sources.md.

The names below are imported when first asked for (PEP 562): the settings read
`config.WorkerConfig` without loading asyncpg.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.local_scheduler.config import WorkerConfig
    from adapters.local_scheduler.firing import (
        Fire,
        FireReport,
        RetryableFireError,
        caller_fire,
    )
    from adapters.local_scheduler.store import LocalSchedule, LocalScheduler, ScheduleState
    from adapters.local_scheduler.worker import FireOutcome, LocalWorker

_HOMES = {
    "Fire": "firing",
    "FireOutcome": "worker",
    "FireReport": "firing",
    "LocalSchedule": "store",
    "LocalScheduler": "store",
    "LocalWorker": "worker",
    "RetryableFireError": "firing",
    "ScheduleState": "store",
    "WorkerConfig": "config",
    "caller_fire": "firing",
}

__all__ = [
    "Fire",
    "FireOutcome",
    "FireReport",
    "LocalSchedule",
    "LocalScheduler",
    "LocalWorker",
    "RetryableFireError",
    "ScheduleState",
    "WorkerConfig",
    "caller_fire",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
