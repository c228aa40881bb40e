"""`bestshot serve --workers N`: N server processes on one listening socket.

The parent binds the socket, starts (or joins) the embedded PostgreSQL when no `DATABASE_URL`
is set, applies the migrations and seeds the demo once, then starts N processes (spawned, so
that none inherits the parent's event loop or pool). Each wires the service as a single
`bestshot serve` does, with its own pool of `BESTSHOT_DB_POOL_MAX` connections, and accepts
connections from the shared socket. Each also runs the local scheduler's worker and the webhook
dispatcher (unless turned off): both claim their work with `FOR UPDATE SKIP LOCKED` and a lease,
so no schedule fires twice and no subscription is delivered by two processes at once.

Each process is in a process group of its own: a Ctrl-C in the terminal reaches the parent
only, which stops them with SIGTERM (each answers what is in flight, then closes its pool) and
then leaves the embedded PostgreSQL. A parent killed outright cannot: each process then gets
SIGTERM on its own (`entrypoints.orphans`), so none outlives it holding the port and a pool.
If one of them exits, the others are stopped too and the command exits with a non-zero
status; a supervisor (systemd, the orchestrator) restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from multiprocessing.process import BaseProcess
from typing import Protocol

from pydantic import SecretStr

from bestshot_domain.errors import BestshotError
from entrypoints.bootstrap import bootstrap
from entrypoints.database import database_url
from entrypoints.demo_seed import seed_demo_if_empty
from entrypoints.logs import configure_logging
from entrypoints.observability import init_sentry
from entrypoints.orphans import exit_with_parent
from entrypoints.settings import Settings

logger = logging.getLogger("bestshot.serve")

STOP_GRACE_SECONDS = 30.0  # after SIGTERM, before a process still running is killed
# prometheus-client's own variable: the folder where every process of one server keeps its
# counts, so that a scrape answered by any of them adds up all of them (README, "Metrics").
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def shared_metrics_dir() -> Iterator[str]:
    """The folder the server processes share their metrics in: PROMETHEUS_MULTIPROC_DIR when
    the operator set it, else a fresh one for this run (set in the environment the processes
    are spawned with, and removed when they are all gone)."""
    chosen = os.environ.get(MULTIPROCESS_DIR)
    if chosen:
        yield chosen
        return
    with tempfile.TemporaryDirectory(prefix="bestshot-metrics-") as folder:
        os.environ[MULTIPROCESS_DIR] = folder
        try:
            yield folder
        finally:
            del os.environ[MULTIPROCESS_DIR]


class ServeOne(Protocol):
    """`entrypoints.commands.serve.serve`: one process's server (handed in, and pickled by
    name into each process, so that this module does not import the command's)."""

    def __call__(
        self,
        settings: Settings,
        host: str,
        port: int,
        *,
        worker: bool = True,
        migrate: bool = True,
        sockets: list[socket.socket] | None = None,
    ) -> Coroutine[None, None, None]: ...


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every process accepts from (InvalidInput-like OSError when taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def with_database(settings: Settings, url: str) -> Settings:
    """`settings` pointing at `url` (the embedded server the parent started)."""
    database = settings.database.model_copy(update={"url": SecretStr(url)})
    return settings.model_copy(update={"database": database})


async def serve_workers(
    settings: Settings,
    sock: socket.socket,
    host: str,
    workers: int,
    *,
    serve: ServeOne,
    seed_demo: bool = False,
    worker: bool = True,
    migrate: bool = True,
    announce: Callable[[Settings, str | None], None] | None = None,
) -> int:
    """Serve on `sock` (bound, see `bind`) with `workers` processes, each running `serve`, until
    SIGINT or SIGTERM; the exit status. `announce(settings, seeded)` once they may start."""
    port = sock.getsockname()[1]
    async with database_url(settings.database.config()) as url:
        settings = with_database(settings, url)
        # Once, here, rather than N times at once in the processes.
        async with bootstrap(settings, migrate=migrate) as service:
            seeded = await seed_demo_if_empty(service) if seed_demo else None
        logger.info("serving", extra={"host": host, "port": port, "workers": workers})
        if announce is not None:
            announce(settings, seeded)
        return await _supervise(settings, sock, host, workers, serve=serve, worker=worker)


async def _supervise(
    settings: Settings,
    sock: socket.socket,
    host: str,
    count: int,
    *,
    serve: ServeOne,
    worker: bool,
) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    spawn = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = []
    status = 0
    metrics_dir = contextlib.ExitStack()
    try:
        metrics_dir.enter_context(shared_metrics_dir())
        for _ in range(count):
            process = spawn.Process(
                target=_process_main,
                args=(serve, settings, sock, host, worker),
                kwargs={"parent": os.getpid()},
                name="bestshot-serve",
                daemon=False,
            )
            process.start()
            processes.append(process)
        while not stop.is_set():
            ended = [process for process in processes if not process.is_alive()]
            if ended:
                status = ended[0].exitcode or 1
                logger.error(
                    "a server process exited: stopping the others",
                    extra={"pid": ended[0].pid, "exitcode": ended[0].exitcode},
                )
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await asyncio.to_thread(_stop_all, processes)
        metrics_dir.close()
    logger.info("stopped")
    return status


def _stop_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive() and process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join(STOP_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


def _process_main(
    serve: ServeOne,
    settings: Settings,
    sock: socket.socket,
    host: str,
    worker: bool,
    *,
    parent: int,
) -> None:
    """One server process (spawned): the single-process `serve` on the shared socket."""
    port = sock.getsockname()[1]
    # Stopped by the parent only: a terminal's Ctrl-C goes to the parent's group, not here.
    os.setpgrp()
    configure_logging(settings.observability.log_level, settings.secret_values())
    # ... or by its death: a parent killed outright (SIGKILL, the OOM killer) stops nothing.
    exit_with_parent(parent)
    init_sentry(settings)
    try:
        asyncio.run(serve(settings, host, port, worker=worker, migrate=False, sockets=[sock]))
    except BestshotError as error:
        print(f"bestshot serve: {error}", file=sys.stderr, flush=True)
        sys.exit(2)
