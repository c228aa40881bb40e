"""The local scheduler: schedules kept in PostgreSQL, fired by a worker inside the process.

What EventBridge Scheduler and the Lambda are in production, for a laptop or a single server:
`store` (the `Scheduler` port over the `local_schedules` table), `worker` (claiming, leases,
retries) and `firing` (calling the API through the caller). See docs/sources.md.
"""

from adapters.local_scheduler.firing import Fire, FireReport, RetryableFireError, caller_fire
from adapters.local_scheduler.store import (
    LocalSchedule,
    LocalScheduler,
    ScheduleState,
)
from adapters.local_scheduler.worker import FireOutcome, LocalWorker, WorkerConfig

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
