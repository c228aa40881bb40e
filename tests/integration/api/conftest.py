"""Real HTTP servers on loopback for the API's integration tests."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk
from attrs import define, field

from adapters.memory import SettableClock
from adapters.postgres.admin import drop_database
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.api.live import LiveApi
from tests.integration.aws.emulator import (  # noqa: F401 - fixtures, found by name
    aws_credentials,
    moto,
    moto_url,
    raw_client,
)


@define
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@define
class LoopbackServer:
    """A tiny HTTP server on 127.0.0.1: records what it receives, serves canned answers."""

    url: str
    received: list[Recorded] = field(factory=list)
    answers: dict[str, tuple[int, str, bytes]] = field(factory=dict)  # path -> status, type, body
    arrived: threading.Event = field(factory=threading.Event)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    state: LoopbackServer | None = None

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            assert state is not None
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            state.received.append(
                Recorded(self.command, self.path, dict(self.headers.items()), body)
            )
            status, content_type, answer = state.answers.get(
                self.path.split("?")[0], (200, "application/json", b"{}")
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            state.arrived.set()

        do_GET = do_POST = _record

        def log_message(self, format: str, *args: object) -> None:
            return None  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = LoopbackServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# A live API over a real PostgreSQL database of its own, shared by a module's tests.

LIVE_JWT_SECRET = "live-test-jwt-secret-0123456789abcdef0123456789"
LIVE_INTERNAL_TOKEN = "live-test-internal-token-0123456789abcdef"
# The live API's "now": a fixed morning, so what is under way does not depend on when tests run.
LIVE_NOW = datetime(2026, 3, 14, 9, 50, tzinfo=UTC)


@pytest.fixture(scope="module")
def live_api(postgres_server: PostgresServerForTests) -> Iterator[LiveApi]:
    name = asyncio.run(postgres_server.new_database())
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": postgres_server.url(name),
            "JWT_SECRET": LIVE_JWT_SECRET,
            "INTERNAL_SERVICE_TOKEN": LIVE_INTERNAL_TOKEN,
            "BESTSHOT_DB_POOL_MAX": "4",
        }
    )
    try:
        with LiveApi(settings, clock=SettableClock(LIVE_NOW)) as api:
            yield api
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


@pytest.fixture(scope="module")
def live_admin(live_api: LiveApi) -> dict[str, str]:
    settings = load_settings({"JWT_SECRET": LIVE_JWT_SECRET})
    return {"Authorization": f"Bearer {mint_admin_token(settings)}"}


@pytest.fixture(scope="module")
def live_internal() -> dict[str, str]:
    return {"X-Internal-Token": LIVE_INTERNAL_TOKEN}


@pytest.fixture
def sentry_dsn(loopback: LoopbackServer) -> Iterator[str]:
    """A DSN whose events the `loopback` server receives; the SDK is stopped afterwards."""
    yield loopback.url.replace("http://", "http://publickey@") + "/42"
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)


def sentry_events(loopback: LoopbackServer) -> list[dict[str, Any]]:
    """The error events the SDK sent to `loopback`, from its envelopes."""
    events = []
    for request in loopback.received:
        lines = request.body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events
