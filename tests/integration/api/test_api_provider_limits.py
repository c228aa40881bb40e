"""A misbehaving provider against `bestshot serve` as a process: the round's PATCH answers a
problem, within the fetch's deadline (2 s here), and the server's memory stays put; concurrent
PATCHes of a round share one fetch.

The provider is a real HTTP server on loopback standing in for ESPN; the API is a real
`bestshot serve` over a real PostgreSQL, so its memory is measured from outside (Linux
`/proc/PID/status`: the peak resident size, `VmHWM`, reset first through `clear_refs`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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
GUARD = 30.0  # the caller's patience: a PATCH still unanswered by then has hung


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


@functools.cache
def _packed(layers: int) -> bytes:
    """HUGE zero bytes gzipped `layers` times, made once (on the fly, the compressors would hold
    back the start of a doubly packed body until all of it was packed)."""
    pieces: Iterator[bytes] = zeros(HUGE)
    for _ in range(layers):
        pieces = gzipped(pieces)
    return b"".join(pieces)


def _huge(layers: int) -> Reply:
    """HUGE zero bytes, streamed as they are made, or gzipped `layers` times (made beforehand)."""
    if not layers:
        return Reply(200, stream=lambda: zeros(HUGE))
    packed = _packed(layers)
    encoding = ", ".join(["gzip"] * layers)
    return Reply(200, headers={"Content-Encoding": encoding}, stream=lambda: iter([packed]))


@pytest.mark.parametrize(
    "layers",
    [
        pytest.param(0, id="huge"),
        pytest.param(1, id="gzip-bomb"),
        pytest.param(2, id="double-gzip-bomb"),
    ],
)
def test_a_huge_answer_is_refused_at_the_cap_without_the_memory(
    served: Served, layers: int
) -> None:
    reply = _huge(layers)
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


def trickle() -> Iterator[bytes]:
    """A byte now and then, forever: the read timeout never fires."""
    while True:
        yield b" "
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("reply", "status", "detail"),
    [
        pytest.param(Reply(200, delay=120.0), 504, "within the 2 s deadline", id="hanging"),
        pytest.param(Reply(200, stream=trickle), 504, "within the 2 s deadline", id="trickling"),
        pytest.param(
            Reply(503, headers={"Retry-After": "100"}),
            502,
            "asks to retry after 100 s, past the 2 s deadline",
            id="retry-after",
        ),
    ],
)
def test_a_slow_provider_answers_within_the_deadline(
    served: Served, reply: Reply, status: int, detail: str
) -> None:
    served.provider.script(SCOREBOARD, reply)
    before = served.provider.hits(SCOREBOARD)

    # Raises (fails the test) if the server keeps the PATCH past the caller's patience.
    answer = httpx.patch(f"{served.url}{ROUND}", headers=served.internal, timeout=GUARD)

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert detail in answer.json()["detail"]
    # One attempt: the deadline leaves no time for another, nor for the wait asked for.
    assert served.provider.hits(SCOREBOARD) == before + 1


def test_concurrent_updates_of_a_round_cause_one_fetch(served: Served) -> None:
    # Slow enough that the second PATCH arrives while the first is fetching.
    served.provider.script(SCOREBOARD, Reply(200, PAYLOAD.read_bytes(), delay=1.0))
    before = served.provider.hits(SCOREBOARD)

    def patch(_: int) -> httpx.Response:
        return httpx.patch(f"{served.url}{ROUND}", headers=served.internal, timeout=GUARD)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(patch, range(2)))

    assert [answer.status_code for answer in answers] == [200, 200], [a.text for a in answers]
    assert served.provider.hits(SCOREBOARD) == before + 1
