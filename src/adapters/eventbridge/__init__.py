"""The `Scheduler` port on AWS EventBridge Scheduler.

`scheduler` holds the adapter (aiobotocore, imported only by whoever chooses it), `requests` the
schedules as EventBridge stores them, `expressions` the `at()`/`cron()` syntax (standard library
only, for the edges that show it).
"""
