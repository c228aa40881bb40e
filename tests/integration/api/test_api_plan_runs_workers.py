"""A plan answered with 202 by `bestshot serve --workers 2` (issue 17): either process answers
its status URL and joins it, a shutdown records the plan it stopped as interrupted, and a
restarted server still answers the status URL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.postgres.admin import drop_database
from bestshot_domain.plan_runs import SHUTDOWN_ERROR
from tests.conftest import PostgresServerForTests

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "plan-runs-test-internal-token-0123456789abcdef"
SCHEDULER = "/api/v2/data-provider/scheduler"
INTERNAL = {"X-Internal-Token": TOKEN}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _serving(url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "NODE_ENV": "demo",
        "DATABASE_URL": url,
        "INTERNAL_SERVICE_TOKEN": TOKEN,
        "SCHEDULE_PLAN_BUDGET_SECONDS": "0.5",
        "WEBHOOKS_ENABLED": "false",
        "SENTRY_DSN": "",
    }
    argv = ["serve", "--workers", "2", "--port", str(port), "--seed-demo", "--no-worker"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-m", "entrypoints.cli", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "bestshot serve --workers 2 exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "bestshot serve did not answer in 120 s"
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 0, stderr.decode()[-3000:]
    return stderr.decode()


@asynccontextmanager
async def _schedules_locked(url: str) -> AsyncIterator[None]:
    """The local scheduler's table locked: a plan waits on it, past the request's budget."""
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute("LOCK TABLE local_schedules IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        await connection.close()


async def _statuses(client: httpx.AsyncClient, url: str, times: int = 10) -> list[Any]:
    """The status asked `times` over new connections, so that both processes answer."""
    answers = []
    for _ in range(times):
        response = await client.get(url, headers={**INTERNAL, "Connection": "close"})
        assert response.status_code == 200, response.text
        answers.append(response.json())
    return answers


async def _until(client: httpx.AsyncClient, url: str, state: str) -> Any:
    for _ in range(600):
        (body,) = await _statuses(client, url, 1)
        if body["status"] == state:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"the plan never became {state}: {body}")


@pytest.fixture
async def database(postgres_server: PostgresServerForTests) -> AsyncIterator[str]:
    name = await postgres_server.new_database()
    try:
        yield postgres_server.url(name)
    finally:
        await drop_database(postgres_server.admin_url, name)


async def test_both_processes_answer_a_plan_and_a_restart_remembers_how_it_ended(
    database: str,
) -> None:
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    with _serving(database, port) as process:
        async with httpx.AsyncClient(base_url=origin, timeout=30) as client:
            async with _schedules_locked(database):
                accepted = await client.post(SCHEDULER, headers=INTERNAL)
                assert accepted.status_code == 202, accepted.text
                status_url = accepted.json()["statusUrl"]
                pending = await _statuses(client, status_url)
                assert {body["status"] for body in pending} == {"pending"}
                # Asked again on other connections (either process), it joins the same plan.
                for _ in range(4):
                    again = await client.post(
                        SCHEDULER, headers={**INTERNAL, "Connection": "close"}
                    )
                    assert again.status_code == 202, again.text
                    assert again.json()["id"] == accepted.json()["id"]
            done = await _until(client, status_url, "done")
            assert done["schedules"]
            assert {body["status"] for body in await _statuses(client, status_url)} == {"done"}

            async with _schedules_locked(database):
                stopped = await client.post(SCHEDULER, headers=INTERNAL)
                assert stopped.status_code == 202, stopped.text
                stopped_url = stopped.json()["statusUrl"]
                await asyncio.to_thread(_stop, process)

    with _serving(database, port) as process:
        async with httpx.AsyncClient(base_url=origin, timeout=30) as client:
            interrupted = await _statuses(client, stopped_url)
            assert {body["status"] for body in interrupted} == {"interrupted"}
            assert interrupted[0]["error"] == SHUTDOWN_ERROR
            assert {body["status"] for body in await _statuses(client, status_url)} == {"done"}
        _stop(process)
