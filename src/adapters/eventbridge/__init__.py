"""The `Scheduler` port on AWS EventBridge Scheduler.

`scheduler` holds the adapter (aiobotocore, imported only by whoever chooses it), `calls` how
its failures are told apart, `requests` the schedules as EventBridge stores them (and the names
they are stored under), `listing` what a listing of the group says of each, `expressions` the
`at()`/`cron()` syntax (standard library only, for the edges that show it).
"""
