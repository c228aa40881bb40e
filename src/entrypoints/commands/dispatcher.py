"""`bestshot dispatcher`: deliver the outbox to the webhook subscriptions, without serving.

`bestshot serve` runs the same dispatcher inside the server (WEBHOOKS_ENABLED); this command is
for a process of its own, or several: they claim subscriptions with SKIP LOCKED, so one
subscription is delivered by one dispatcher at a time, in order.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from entrypoints.bootstrap import bootstrap
from entrypoints.commands import HELP
from entrypoints.logs import configure_logging
from entrypoints.observability import init_sentry
from entrypoints.settings import Settings, load_settings

logger = logging.getLogger("bestshot.dispatcher")


async def run_dispatcher(settings: Settings, *, once: bool = False) -> int:
    async with bootstrap(settings) as service:
        dispatcher = service.dispatcher()
        try:
            if once:
                delivered = 0
                while busy := await dispatcher.run_once():
                    delivered += busy
                print(f"delivered {delivered} event(s)")
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            logger.info("dispatcher started")
            await dispatcher.run(stop)
            logger.info("dispatcher stopped")
        finally:
            await dispatcher.aclose()
    return 0


def _handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.observability.log_level, settings.secret_values())
    init_sentry(settings)
    return asyncio.run(run_dispatcher(settings, once=args.once))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dispatcher",
        help=HELP["dispatcher"],
        description="Deliver the outbox's events to each webhook subscription, signed, in "
        "order, retrying failures with backoff; runs until stopped. `bestshot serve` runs "
        "the same dispatcher unless WEBHOOKS_ENABLED=false.",
    )
    parser.add_argument(
        "--once", action="store_true", help="deliver what is due now, say how many, and exit"
    )
    parser.set_defaults(handler=_handle)
