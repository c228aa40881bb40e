"""A misbehaving provider against `bestshot serve` as a process: the round's PATCH answers a
problem, promptly, and the server's memory stays put.

The provider is a real HTTP server on loopback standing in for ESPN; the API is a real
`bestshot serve` over a real PostgreSQL, so its memory is measured from outside (Linux
`/proc/PID/status`: the peak resident size, `VmHWM`, reset first through `clear_refs`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from adapters.postgres.admin import drop_database
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.sources.sources_loopback import (
    LoopbackServer,
    MiB,
    Reply,
    gzipped,
    serving,
    zeros,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = "/api/v2/data-provider"
TOKEN = "limits-test-internal-token-0123456789abcdef"
JWT = "limits-test-jwt-secret-0123456789abcdef0123456789"
SCOREBOARD = "/apis/site/v2/sports/soccer/usa.1/scoreboard"
PAYLOAD = (
    Path(__file__).resolve().parents[2]
    / "data/sources/espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json"
)
ROUND = f"{DATA}/tournaments/limits-league/matches/day-2022-09-17"
HUGE = 256 * MiB  # today's code would hold it (twice) in memory: far past the margin below
MARGIN = 100 * MiB


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    """`bestshot serve` in a process of its own, and the loopback provider it fetches from."""

    def __init__(self, process: subprocess.Popen[bytes], url: str, provider: LoopbackServer):
        self.process = process
        self.url = url
        self.provider = provider
        self.internal = {"X-Internal-Token": TOKEN}

    def status(self, field: str) -> int:
        """A size from /proc/PID/status, in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} in /proc/{self.process.pid}/status")

    def reset_peak(self) -> int:
        """Start the peak resident size afresh; the resident size now."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        return self.status("VmRSS")


@pytest.fixture(scope="module")
def served(postgres_server: PostgresServerForTests) -> Iterator[Served]:
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc to measure the server's memory")
    name = asyncio.run(postgres_server.new_database())
    port = _free_port()
    with serving() as provider:
        provider.script(SCOREBOARD, Reply.file(PAYLOAD))
        env = {
            **os.environ,
            "NODE_ENV": "demo",
            "DATABASE_URL": postgres_server.url(name),
            "INTERNAL_SERVICE_TOKEN": TOKEN,
            "JWT_SECRET": JWT,
            "WORKER_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
            "BESTSHOT_ESPN_URL": provider.url,
            "BESTSHOT_HTTP_DEADLINE_SECONDS": "2",
        }
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
            [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            while True:
                assert process.poll() is None, "bestshot serve stopped"
                try:
                    httpx.get(f"{url}/health", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() - started < 60, "bestshot serve did not answer"
                    time.sleep(0.1)
            admin = {
                "Authorization": f"Bearer {mint_admin_token(load_settings({'JWT_SECRET': JWT}))}"
            }
            imported = httpx.post(
                f"{url}{DATA}/tournaments",
                json={
                    "provider": "espn",
                    "reference": "usa.1:20220917",
                    "label": "Limits League",
                    "rules": "mls",
                },
                headers=admin,
                timeout=30,
            )
            assert imported.status_code == 200, imported.text
            yield Served(process, url, provider)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            asyncio.run(drop_database(postgres_server.admin_url, name))


def _bomb(layers: int) -> Reply:
    def body() -> Iterator[bytes]:
        pieces: Iterator[bytes] = zeros(HUGE)
        for _ in range(layers):
            pieces = gzipped(pieces)
        return pieces

    return Reply(200, headers={"Content-Encoding": ", ".join(["gzip"] * layers)}, stream=body)


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(200, stream=lambda: zeros(HUGE)), id="huge"),
        pytest.param(_bomb(1), id="gzip-bomb"),
        pytest.param(_bomb(2), id="double-gzip-bomb"),
    ],
)
def test_a_huge_answer_is_refused_at_the_cap_without_the_memory(
    served: Served, reply: Reply
) -> None:
    served.provider.script(SCOREBOARD, Reply.file(PAYLOAD))
    warm = httpx.patch(f"{served.url}{ROUND}", headers=served.internal, timeout=30)
    assert warm.status_code == 200, warm.text
    served.provider.script(SCOREBOARD, reply)
    before = served.provider.hits(SCOREBOARD)
    resident = served.reset_peak()

    answer = httpx.patch(f"{served.url}{ROUND}", headers=served.internal, timeout=120)

    peak = served.status("VmHWM")
    assert peak - resident < MARGIN, f"the server grew by {(peak - resident) / MiB:.0f} MiB"
    assert answer.status_code == 502, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "larger than the 8 MiB cap" in answer.json()["detail"]
    assert served.provider.hits(SCOREBOARD) == before + 1  # not retried
