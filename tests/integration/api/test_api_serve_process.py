"""`bestshot serve` as a process: it serves, logs JSON lines with request ids, and stops cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from adapters.postgres.admin import drop_database
from tests.conftest import PostgresServerForTests

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "serve-test-internal-token-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def database_url(postgres_server: PostgresServerForTests) -> Iterator[str]:
    name = asyncio.run(postgres_server.new_database())
    try:
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


def test_serve_answers_logs_and_stops_on_sigterm(database_url: str) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "NODE_ENV": "demo",
        "DATABASE_URL": database_url,
        "INTERNAL_SERVICE_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "bestshot serve did not answer in 60 s"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        denied = httpx.patch(
            f"http://127.0.0.1:{port}/api/v2/data-provider/tournaments/x/standings",
            headers={"X-Internal-Token": "wrong-" + TOKEN},
        )
        assert denied.status_code == 403
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.strip()]
    requests = [line for line in lines if line["logger"] == "bestshot.access"]
    assert [line["request_id"] for line in requests] == [
        health.headers["x-request-id"],
        denied.headers["x-request-id"],
    ]
    assert TOKEN not in stderr.decode()
    assert lines[-1]["message"] == "stopped"  # the pool and the database were closed first
    assert database_url.split("@", maxsplit=1)[0] not in stderr.decode() or "@" not in database_url
