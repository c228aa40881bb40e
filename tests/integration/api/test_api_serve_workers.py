"""`bestshot serve --workers 2` on the embedded database: both processes serve, a due local
schedule fires exactly once, and a SIGTERM stops everything cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.local_scheduler import LocalScheduler
from adapters.postgres import create_pool
from adapters.postgres.admin import drop_database
from adapters.postgres.embedded import DEFAULT_DATABASE, EmbeddedPostgres
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import PlannedSchedule
from entrypoints.commands.serve_workers import (
    MULTIPROCESS_DIR,
    bind,
    serve_workers,
    shared_metrics_dir,
)
from entrypoints.demo_seed import DEMO_TOURNAMENT
from entrypoints.settings import Settings, load_settings
from tests.conftest import PostgresServerForTests

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "workers-test-internal-token-0123456789abcdef"
ROUND = "matchday-1"
NAME = "workers_test_once"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], origin: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "bestshot serve --workers 2 exited"
        try:
            if httpx.get(f"{origin}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "bestshot serve --workers 2 did not answer in 120 s"
        time.sleep(0.2)


async def _plan_due_schedule(data_dir: Path, origin: str) -> None:
    """A schedule of the demo league's first round, due a minute ago, in the served database
    (joined here as one more user of the embedded server)."""
    with EmbeddedPostgres(data_dir / "pgdata") as server:
        pool = await create_pool(server.url(DEFAULT_DATABASE))
        try:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            schedule = PlannedSchedule(
                NAME, now - timedelta(minutes=1), DEMO_TOURNAMENT, ROUND, "demo"
            )
            await LocalScheduler(pool, origin).ensure(schedule)
        finally:
            await pool.close()


async def _schedule_row(data_dir: Path) -> Any:
    with EmbeddedPostgres(data_dir / "pgdata") as server:
        pool = await create_pool(server.url(DEFAULT_DATABASE))
        try:
            return await pool.fetchrow(
                "SELECT state, attempts FROM local_schedules WHERE name = $1", NAME
            )
        finally:
            await pool.close()


def test_two_processes_serve_and_fire_a_due_schedule_once(tmp_path: Path) -> None:
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "NODE_ENV": "demo",
        "BESTSHOT_DATA_DIR": str(tmp_path),
        "INTERNAL_SERVICE_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
        "WORKER_POLL_SECONDS": "0.5",
        "SENTRY_DSN": "",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [
            sys.executable,
            "-m",
            "entrypoints.cli",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--seed-demo",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_ready(process, origin)
        with httpx.Client(base_url=origin, timeout=10) as client:
            answers = [client.get(f"/api/v2/tournaments/{DEMO_TOURNAMENT}") for _ in range(6)]
        assert {answer.status_code for answer in answers} == {200}

        asyncio.run(_plan_due_schedule(tmp_path, origin))
        deadline = time.monotonic() + 90
        while (row := asyncio.run(_schedule_row(tmp_path)))["state"] in ("pending", "running"):
            assert time.monotonic() < deadline, f"the schedule was not fired in 90 s: {row}"
            time.sleep(0.5)
        time.sleep(2)  # a few more polls of both workers, which must find nothing left to fire
        row = asyncio.run(_schedule_row(tmp_path))
        # Whichever process answers a scrape, it counts both processes' firings (one in all).
        with httpx.Client(base_url=origin, timeout=10) as client:
            scrapes = [client.get("/metrics") for _ in range(8)]
        fired = {_firings_done(scrape) for scrape in scrapes}
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=90)

    assert process.returncode == 0, stderr.decode()[-3000:]
    assert (row["state"], row["attempts"]) == ("done", 1)
    assert fired == {1.0}
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    started = {line["message"] for line in lines if "Started server process" in line["message"]}
    assert len(started) == 2  # two processes, each with its own pid
    round_path = f"/api/v2/data-provider/tournaments/{DEMO_TOURNAMENT}/matches/{ROUND}"
    patched = [
        line
        for line in lines
        if line["logger"] == "bestshot.access"
        and line.get("method") == "PATCH"
        and line.get("path") == round_path
    ]
    assert [line["status"] for line in patched] == [200]  # fired once, by one of them
    assert [line["message"] for line in lines].count("stopped") == 3  # both, then the parent
    assert "bestshot is serving on" in stdout.decode()


def _firings_done(scrape: httpx.Response) -> float:
    assert scrape.status_code == 200, scrape.text
    for family in text_string_to_metric_families(scrape.text):
        for sample in family.samples:
            if sample.name == "bestshot_schedule_firings_total" and sample.labels == {
                "outcome": "done"
            }:
                return sample.value
    raise AssertionError("no bestshot_schedule_firings_total{outcome=done} in the scrape")


def test_the_processes_share_a_metrics_folder_unless_one_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR, raising=False)
    with shared_metrics_dir() as folder:
        assert os.environ[MULTIPROCESS_DIR] == folder
        assert Path(folder).is_dir()
    assert MULTIPROCESS_DIR not in os.environ
    assert not Path(folder).exists()

    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    with shared_metrics_dir() as chosen:
        assert chosen == str(tmp_path)
    assert os.environ[MULTIPROCESS_DIR] == str(tmp_path)
    assert tmp_path.is_dir()


async def cannot_serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    worker: bool = True,
    migrate: bool = True,
    sockets: list[socket.socket] | None = None,
) -> None:
    """A process's server that refuses to start (run by name in each spawned process)."""
    raise InvalidInput(f"cannot serve on {host}:{port}")


def test_a_process_that_cannot_serve_stops_the_others_and_the_command(
    postgres_server: PostgresServerForTests, capfd: pytest.CaptureFixture[str]
) -> None:
    name = asyncio.run(postgres_server.new_database())
    settings = load_settings({"NODE_ENV": "demo", "DATABASE_URL": postgres_server.url(name)})
    try:
        with bind("127.0.0.1", 0) as sock:
            port = sock.getsockname()[1]
            status = asyncio.run(
                serve_workers(settings, sock, "127.0.0.1", 2, serve=cannot_serve, seed_demo=True)
            )
        seeded = asyncio.run(_tournaments(postgres_server.url(name)))
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))

    assert status == 2
    assert f"bestshot serve: cannot serve on 127.0.0.1:{port}" in capfd.readouterr().err
    assert seeded == [DEMO_TOURNAMENT]  # migrated and seeded once, by the parent


async def _tournaments(url: str) -> list[str]:
    connection = await asyncpg.connect(url)
    try:
        return [row["id"] for row in await connection.fetch("SELECT id FROM tournaments")]
    finally:
        await connection.close()


def _gone(pid: int) -> bool:
    """Whether the process has exited: no such process, or a zombie nobody reaped yet (an
    orphan's new parent may be an init that does not reap)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc to tell a zombie by: alive, as far as can be told
    return stat.rpartition(")")[2].split()[0] == "Z"


def _refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


async def _connections_of(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return count
    finally:
        await connection.close()


def test_the_processes_exit_when_their_parent_is_killed(
    postgres_server: PostgresServerForTests, tmp_path: Path
) -> None:
    """SIGKILL leaves the parent no time to stop its processes: each notices on its own and
    stops, giving back the port and its database connections."""
    name = asyncio.run(postgres_server.new_database())
    url = postgres_server.url(name)
    port = _free_port()
    env = {
        **os.environ,
        "NODE_ENV": "demo",
        "DATABASE_URL": url,
        "INTERNAL_SERVICE_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
        "SENTRY_DSN": "",
    }
    log = tmp_path / "stderr.log"
    workers: set[int] = set()
    with log.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
            [
                sys.executable,
                "-m",
                "entrypoints.cli",
                "serve",
                "--workers",
                "2",
                "--port",
                str(port),
                "--no-worker",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the two processes did not start in 120 s"
            workers = {
                int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", log.read_text())
            }
            time.sleep(0.2)
        _wait_until_ready(process, f"http://127.0.0.1:{port}")
        assert process.pid not in workers

        process.kill()
        process.wait(timeout=30)

        deadline = time.monotonic() + 60
        while not all(_gone(pid) for pid in workers):
            assert time.monotonic() < deadline, (
                f"still running 60 s after their parent was killed: "
                f"{sorted(pid for pid in workers if not _gone(pid))}"
            )
            time.sleep(0.2)
        assert _refused(port)  # nobody holds the port any more
        deadline = time.monotonic() + 60
        while (held := asyncio.run(_connections_of(url))) > 0:
            assert time.monotonic() < deadline, f"{held} database connection(s) still held"
            time.sleep(0.2)
        stopped = [
            json.loads(line)["message"]
            for line in log.read_text().splitlines()
            if line.startswith("{")
        ]
        assert stopped.count("stopped") == 2  # each stopped as on SIGTERM: pool closed first
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
        asyncio.run(drop_database(postgres_server.admin_url, name))
