"""`bestshot worker`: fire the local scheduler's schedules, without serving the API.

`bestshot serve` runs the same worker inside the server by default; this command is for running
it as a process of its own (or several: they claim schedules with SKIP LOCKED and never fire one
twice). It needs SCHEDULER_KIND=local (the default) and the database the API uses.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bestshot_domain.errors import InvalidInput
from entrypoints.bootstrap import bootstrap
from entrypoints.commands import HELP
from entrypoints.logs import configure_logging
from entrypoints.observability import init_sentry
from entrypoints.settings import SchedulerKind, Settings, load_settings

logger = logging.getLogger("bestshot.worker")


async def run_worker(settings: Settings, *, once: bool = False) -> int:
    # Refused before anything is opened: no database connection, no AWS client, no log line,
    # only the one line saying why.
    if settings.scheduling.kind is not SchedulerKind.LOCAL:
        raise _not_local(settings)
    async with bootstrap(settings) as service:
        worker = service.worker()
        if worker is None:
            raise _not_local(settings)
        if once:
            outcomes = await worker.run_once()
            for outcome in outcomes:
                state = outcome.state.value if outcome.state else "claim lost"
                print(f"{outcome.name}: {state}" + (f" ({outcome.error})" if outcome.error else ""))
            if not outcomes:
                print("nothing due")
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        logger.info("worker started", extra={"api": settings.service.api_domain})
        await worker.run(stop)
        logger.info("worker stopped")
    return 0


def _not_local(settings: Settings) -> InvalidInput:
    return InvalidInput(
        f"SCHEDULER_KIND={settings.scheduling.kind.value}: schedules fire in AWS, "
        "there is nothing for a local worker to do"
    )


def _handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.observability.log_level, settings.secret_values())
    init_sentry(settings)
    return asyncio.run(run_worker(settings, once=args.once))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "worker",
        help=HELP["worker"],
        description="Fire the local scheduler's due schedules by calling the API (API_DOMAIN) "
        "with the internal token, retrying failures with backoff; runs until stopped. "
        "`bestshot serve` runs the same worker by default.",
    )
    parser.add_argument(
        "--once", action="store_true", help="fire what is due now, print what happened, and exit"
    )
    parser.set_defaults(handler=_handle)
