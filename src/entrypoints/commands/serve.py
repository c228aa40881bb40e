"""`bestshot serve [--host 127.0.0.1] [--port 8000] [--workers N]`: the HTTP API under uvicorn.

The service is wired before uvicorn starts, in the same event loop, so that a database that
cannot be reached or a refused configuration stops the command with one line (exit 2) instead
of a server that answers 500s. Ctrl-C or SIGTERM stops uvicorn gracefully (requests in flight are
answered), then the composition root closes the pool and the embedded PostgreSQL, and the
command exits with status 0. `--workers N` runs N such processes on one socket
(`entrypoints.commands.serve_workers`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp
from uvicorn.server import HANDLED_SIGNALS

from bestshot_domain.errors import InvalidInput
from bestshot_routes import SCHEDULER_ROUTE
from entrypoints.bootstrap import bootstrap, describe
from entrypoints.commands import HELP
from entrypoints.demo_seed import DEMO_TOURNAMENT, seed_demo_if_empty
from entrypoints.logs import configure_logging
from entrypoints.observability import init_sentry
from entrypoints.settings import ServiceSettings, Settings, load_settings
from entrypoints.slow_clients import ConnectionLimits, header_deadline, heads_received

logger = logging.getLogger("bestshot.serve")


def uvicorn_config(
    app: ASGIApp, host: str, port: int, service: ServiceSettings | None = None
) -> uvicorn.Config:
    """uvicorn as bestshot serves with it; `service` gives the limits on clients (None: the
    defaults)."""
    limits = (
        ConnectionLimits()
        if service is None
        else ConnectionLimits(service.request_header_timeout, service.max_connections)
    )
    forwarded = None if service is None else service.forwarded_allow_ips
    return uvicorn.Config(
        heads_received(app),
        host=host,
        port=port,
        # The cap on connections is the protocol's (and its refusal a problem with Retry-After),
        # not uvicorn's `limit_concurrency`, whose 503 says neither.
        http=header_deadline(limits.header_timeout, limits.max_connections),
        ws="none",  # no route speaks WebSocket; an upgrade would leave the header deadline
        log_config=None,  # our JSON logging, configured before
        access_log=False,  # our middleware logs each request with its id
        lifespan="off",  # the composition root owns what lives as long as the server
        server_header=False,
        # Behind a load balancer, its addresses are named (FORWARDED_ALLOW_IPS): only then are
        # X-Forwarded-For and -Proto believed, and only from those peers.
        proxy_headers=bool(forwarded),
        forwarded_allow_ips=forwarded or "",
    )


class _Server(uvicorn.Server):
    """uvicorn, minus one habit: once stopped by a signal, it raises that signal again, which
    would end the process before the composition root closes the pool and leaves the embedded
    PostgreSQL. Here a stop by SIGINT or SIGTERM is a graceful exit (status 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def own_api_domain(settings: Settings, host: str, port: int) -> Settings:
    """In demo, with API_DOMAIN left unset, schedules call back the server this command runs."""
    service = settings.service
    if service.is_production or "api_domain" in service.model_fields_set:
        return settings
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - compared only
    shown = f"[{shown}]" if ":" in shown else shown
    domain = service.model_copy(update={"api_domain": f"http://{shown}:{port}"})
    return settings.model_copy(update={"service": domain})


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server to this machine (a name other than localhost
    may resolve to anything, so it does not count)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_public_demo_secrets(settings: Settings, host: str) -> None:
    """The demo secrets are in the README: on an address others can reach they would open the
    admin and internal routes to anyone. InvalidInput unless the bind is loopback-only or the
    secrets are real."""
    public = settings.public_demo_secrets()
    if public and not is_loopback(host):
        raise InvalidInput(
            f"refusing to serve on {host or 'every address'} with the public demo "
            f"{' and '.join(public)}: anyone who reaches it could call the admin and internal "
            f"routes; set {' and '.join(public)} to secrets of your own, or bind 127.0.0.1"
        )


async def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    seed_demo: bool = False,
    worker: bool = True,
    migrate: bool = True,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Serve until stopped; `sockets`: accept on these (already bound) instead of binding."""
    refuse_public_demo_secrets(settings, host)
    settings = own_api_domain(settings, host, port)
    async with bootstrap(settings, migrate=migrate) as service:
        seeded = await seed_demo_if_empty(service) if seed_demo else None
        app = service.app()
        local_worker = service.worker() if worker and settings.worker.enabled else None
        dispatcher = service.dispatcher() if settings.webhooks.enabled else None
        logger.info(
            "serving",
            extra={
                "host": host,
                "port": port,
                "worker": local_worker is not None,
                "dispatcher": dispatcher is not None,
                **describe(service),
            },
        )
        stop = asyncio.Event()
        firing = asyncio.create_task(local_worker.run(stop)) if local_worker else None
        delivering = asyncio.create_task(dispatcher.run(stop)) if dispatcher else None
        if seed_demo:
            print_quick_start(settings, seeded)
        try:
            await serve_app(app, host, port, settings.service, sockets=sockets)
        finally:
            # uvicorn runs no lifespan here: the plans under way are stopped and recorded as
            # interrupted now, while the pool they are recorded through is open.
            await app.state.plans.aclose()
            stop.set()
            if firing is not None:
                await firing
            if dispatcher is not None and delivering is not None:
                await delivering
                await dispatcher.aclose()
    logger.info("stopped")


async def serve_app(
    app: ASGIApp,
    host: str,
    port: int,
    service: ServiceSettings | None = None,
    *,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Serve a wired app until stopped.

    What was made before (modules, the app, its models and pools: tens of thousands of objects
    that live as long as the process) is frozen out of the garbage collector's sight first, so
    that its full collections, which otherwise walk all of it, stay well under a millisecond
    instead of pausing a request for tens of them.
    """
    gc.freeze()
    await _Server(uvicorn_config(app, host, port, service)).serve(sockets=sockets)


def print_quick_start(settings: Settings, tournament: str | None) -> None:
    """A few lines on stdout: how to trigger the flow and where to read the table."""
    base = settings.service.api_domain.rstrip("/")
    standings = f"{base}/api/v2/tournaments/{tournament or DEMO_TOURNAMENT}/standings"
    lines = [
        "",
        f"bestshot is serving on {base}" + (" (demo league seeded)" if tournament else ""),
        f"  the console:            {base}/console",
        "  create today's schedules (the local scheduler fires them when the matches are over):",
        '    curl -X POST -H "Authorization: Bearer $(.venv/bin/bestshot token admin)" \\',
        f"         {base}{SCHEDULER_ROUTE}",
        "  see what will fire:     .venv/bin/bestshot schedules list",
        f"  read the table:         curl {standings}",
        f"  every endpoint:         {base}/openapi.json",
        "  stop with Ctrl-C",
        "",
    ]
    print("\n".join(lines), flush=True)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, got {port}")
    return port


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"between 1 and 64 processes, got {workers}")
    return workers


def _handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.observability.log_level, settings.secret_values())
    init_sentry(settings)
    if args.workers > 1:
        from entrypoints.commands.serve_workers import bind, serve_workers  # noqa: PLC0415

        refuse_public_demo_secrets(settings, args.host)
        with bind(args.host, args.port) as sock:
            # --port 0: schedules call back the port the system chose.
            settings = own_api_domain(settings, args.host, sock.getsockname()[1])
            return asyncio.run(
                serve_workers(
                    settings,
                    sock,
                    args.host,
                    args.workers,
                    serve=serve,
                    seed_demo=args.seed_demo,
                    worker=args.worker,
                    migrate=args.migrate,
                    announce=print_quick_start if args.seed_demo else None,
                )
            )
    asyncio.run(
        serve(
            settings,
            args.host,
            args.port,
            seed_demo=args.seed_demo,
            worker=args.worker,
            migrate=args.migrate,
        )
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help=HELP["serve"],
        description="Serve the HTTP API with uvicorn. With no DATABASE_URL, an embedded "
        "PostgreSQL is started in BESTSHOT_DATA_DIR/pgdata (default ./.bestshot/pgdata).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); any other than loopback needs real secrets",
    )
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="server processes on the one port (default 1); each has its own database pool "
        "of BESTSHOT_DB_POOL_MAX connections (README: bursts, workers and pool sizes)",
    )
    parser.add_argument(
        "--seed-demo",
        action="store_true",
        help="when the database holds no tournament, import the demo league first (make run)",
    )
    parser.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not fire the local scheduler's schedules in this process (run `bestshot "
        "worker` elsewhere); the default runs the worker when SCHEDULER_KIND=local",
    )
    parser.add_argument(
        "--no-migrate",
        dest="migrate",
        action="store_false",
        help="do not apply pending migrations at start (production: run `bestshot db migrate` "
        "once per release with the migration role, and give each instance a role without DDL)",
    )
    parser.set_defaults(handler=_handle)
