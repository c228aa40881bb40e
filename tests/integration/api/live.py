"""The API served by a real uvicorn on loopback, wired by the real composition root over a real
PostgreSQL database, in a thread of its own (its own event loop, as in production)."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import uvicorn

from entrypoints.bootstrap import Service, bootstrap
from entrypoints.commands.serve import uvicorn_config
from entrypoints.settings import Settings


def bound_socket() -> socket.socket:
    """A listening-to-be socket on a free loopback port, for a server whose URL must be known
    before it starts (schedules name the API's URL, so the settings need it first)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LiveApi:
    """`with LiveApi(settings) as api:` serves until the block ends; `api.url` is its base.

    `sock`: serve on this bound socket (see `bound_socket`) rather than on a port picked at
    start. `tls`: (certificate chain file, key file) to serve https. Any other keyword argument
    is a port handed to `bootstrap` (a clock, sources ...).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        sock: socket.socket | None = None,
        tls: tuple[Path, Path] | None = None,
        **ports: Any,
    ) -> None:
        self._settings = settings
        self._sock = sock
        self._tls = tls
        self._ports = ports
        self._ready = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=self._run, name="live-api", daemon=True)
        self._failure: BaseException | None = None
        self.service: Service | None = None
        self.url = ""

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to the test thread
            self._failure = error
            self._ready.set()

    async def _serve(self) -> None:
        async with bootstrap(self._settings, **self._ports) as service:
            self.service = service
            config = uvicorn_config(service.app(), "127.0.0.1", 0, self._settings.service)
            if self._tls is not None:
                # Read by uvicorn when it loads the config, at the start of serve().
                config.ssl_certfile, config.ssl_keyfile = map(str, self._tls)
            self._server = uvicorn.Server(config)
            sockets = [self._sock] if self._sock is not None else None
            serving = asyncio.create_task(self._server.serve(sockets=sockets))
            # uvicorn sets a flag, not an event, once it listens.
            while not self._server.started and not serving.done():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            if self._server.started:
                port = self._server.servers[0].sockets[0].getsockname()[1]
                scheme = "https" if self._tls is not None else "http"
                self.url = f"{scheme}://127.0.0.1:{port}"
            self._ready.set()
            await serving

    def __enter__(self) -> LiveApi:
        self._thread.start()
        if not self._ready.wait(timeout=60):
            raise RuntimeError("the live API did not start within 60 s")
        if self._failure is not None:
            raise RuntimeError("the live API failed to start") from self._failure
        if not self.url:
            raise RuntimeError("uvicorn stopped before serving")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(timeout=30)
