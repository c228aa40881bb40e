"""The commands an operator runs, on the real parts: `bestshot serve --seed-demo` as a process,
`bestshot schedules plan|list|delete` and `bestshot worker --once` through the command's own entry
point (`entrypoints.cli.main`) against a live API and its database, and `bestshot demo` (its own
embedded PostgreSQL, API and worker on a fast clock) in this process."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

import entrypoints.bootstrap
from adapters.local_scheduler import LocalScheduler
from adapters.memory import SettableClock
from adapters.postgres import create_pool
from bestshot_domain.ports import PlannedSchedule
from entrypoints.commands.demo import run_demo
from entrypoints.commands.token import mint_admin_token
from entrypoints.demo_seed import DEMO_SEED
from entrypoints.settings import load_settings
from tests.conftest import TEST_POOL
from tests.integration.api.live import LiveApi
from tests.integration.e2e.conftest import Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]

INTERNAL_TOKEN = f"e2e-commands-internal-{uuid.uuid4().hex}"
# "Now" for the API and for the commands run in this process: a fixed day, whenever tests run.
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _free_port() -> int:
    # `serve --port` binds by number; a port free a moment ago is the best a test can hand it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _lines(stream: IO[bytes], into: queue.Queue[str]) -> None:
    for raw in stream:
        into.put(raw.decode(errors="replace").rstrip("\n"))


def test_serve_seed_demo_prints_where_it_serves_and_the_demo_table_is_readable(
    fresh_database: str, tmp_path: Path
) -> None:
    port = _free_port()
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"API_DOMAIN", "NODE_ENV", "SCHEDULER_KIND", "JWT_SECRET"}
    }
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
            [sys.executable, "-m", "entrypoints.cli", "serve", "--seed-demo", "--port", str(port)],
            env={**environ, "DATABASE_URL": fresh_database, "LOG_LEVEL": "WARNING"},
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    assert process.stdout is not None
    printed: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, printed), daemon=True)
    reader.start()
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while not any("stop with Ctrl-C" in line for line in lines):
            assert process.poll() is None, errors.read_text()
            try:
                lines.append(printed.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"no quick start within 90 s; printed so far: {lines}")
        base = f"http://127.0.0.1:{port}"
        assert f"bestshot is serving on {base} (demo league seeded)" in lines
        assert any(line.strip() == f"{base}/api/v2/data-provider/scheduler" for line in lines)
        [table_line] = [line for line in lines if "read the table:" in line]
        table_url = table_line.split("curl", 1)[1].strip()
        assert table_url == f"{base}/api/v2/tournaments/demo-league/standings"

        # The quick start's hints work as printed: the table is there (half a season played) ...
        answer = _get_when_listening(table_url)
        assert answer.status_code == 200, answer.text
        [table] = answer.json()["tables"]
        assert len(table["rows"]) == 20
        assert {row["played"] for row in table["rows"]} <= {19, 20}
        # ... the console shows it too ...
        [console_line] = [line for line in lines if "the console:" in line]
        console = _get_when_listening(console_line.split("console:", 1)[1].strip())
        assert console.status_code == 200
        assert "Demo League" in console.text
        # ... and the day's schedule can be created with an admin token (`bestshot token
        # admin`), calling back the port this server listens on. (The day the seed pinned, not
        # "today": a test started just before midnight UTC would otherwise ask for the next.)
        current = httpx.get(
            f"{base}/api/v2/tournaments/demo-league/matches/matchday-20", timeout=30
        ).json()
        day = min(match["kickoff"] for match in current["matches"])[:10]
        admin = mint_admin_token(load_settings({}))
        created = httpx.post(
            f"{base}/api/v2/data-provider/scheduler",
            params={"date": day},
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        )
        assert created.status_code == 200, created.text
        [schedule] = created.json()["schedules"]
        assert schedule["target"]["roundUrl"] == (
            f"{base}/api/v2/data-provider/tournaments/demo-league/matches/matchday-20"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()
    assert process.returncode == 0, errors.read_text()


def _get_when_listening(url: str) -> httpx.Response:
    # The quick start is printed as uvicorn starts; it listens a moment later.
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"nothing listening at {url}"
            time.sleep(0.05)


# `bestshot schedules` and `bestshot worker --once`, in this process.


@pytest.fixture
def bestshot(
    monkeypatch: pytest.MonkeyPatch, cli: Cli, commands_api: LiveApi, module_database: str
) -> Cli:
    """`bestshot ARGS...` with the live API's configuration."""
    for name in ("API_DOMAIN", "SCHEDULER_KIND", "BESTSHOT_DEBUG", "SENTRY_DSN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NODE_ENV", "demo")
    monkeypatch.setenv("DATABASE_URL", module_database)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", INTERNAL_TOKEN)
    monkeypatch.setenv("API_DOMAIN", commands_api.url)
    # The composition root's default clock: what the worker calls due.
    monkeypatch.setattr(entrypoints.bootstrap, "SystemClock", lambda: SettableClock(NOW))
    return cli


@pytest.fixture(scope="module")
def commands_api(module_database: str) -> Iterator[LiveApi]:
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": module_database,
            "INTERNAL_SERVICE_TOKEN": INTERNAL_TOKEN,
            "BESTSHOT_DB_POOL_MAX": "4",
        }
    )
    with LiveApi(settings, clock=SettableClock(NOW)) as api:
        yield api


def _schedule(name: str, tournament: str, round_slug: str, fire_at: datetime) -> Any:
    return PlannedSchedule(
        name=name,
        fire_at=fire_at,
        tournament_id=tournament,
        round_slug=round_slug,
        target_env="demo",
    )


async def _plan(url: str, api: str, *schedules: PlannedSchedule) -> None:
    pool = await create_pool(url, TEST_POOL)
    try:
        scheduler = LocalScheduler(pool, api)
        for schedule in schedules:
            await scheduler.ensure(schedule)
    finally:
        await pool.close()


def test_schedules_list_worker_once_and_delete(
    bestshot: Cli, commands_api: LiveApi, module_database: str
) -> None:
    # A demo league whose current matchday was played yesterday: every round so far is over.
    yesterday = (NOW - timedelta(days=1)).date()
    admin = {"Authorization": f"Bearer {mint_admin_token(load_settings({}))}"}
    imported = httpx.post(
        f"{commands_api.url}/api/v2/data-provider/tournaments",
        json={
            "provider": "demo",
            "reference": f"5/{yesterday.isoformat()}T12:00",
            "label": "Command League",
            "rules": "premier_league",
        },
        headers=admin,
        timeout=30,
    )
    assert imported.status_code == 200, imported.text
    now = NOW
    api = commands_api.url
    asyncio.run(
        _plan(
            module_database,
            api,
            _schedule("league_due", "command-league", "matchday-20", now - timedelta(hours=1)),
            _schedule("league_gone", "command-league", "matchday-99", now - timedelta(hours=2)),
            _schedule("league_later", "command-league", "matchday-21", now + timedelta(days=7)),
        )
    )

    listed = bestshot("schedules", "list")
    assert listed.code == 0, listed.err
    header, *rows = listed.out.strip().splitlines()
    assert header.split() == [
        "NAME",
        "FIRES",
        "AT",
        "(UTC)",
        "TOURNAMENT",
        "ROUND",
        "STATE",
        "ATTEMPTS",
        "LAST",
        "ERROR",
    ]
    # By firing time: the earliest first.
    assert [row.split()[0] for row in rows] == ["league_gone", "league_due", "league_later"]
    assert all(row.split()[-2:] == ["pending", "0"] for row in rows)

    fired = bestshot("worker", "--once")
    assert fired.code == 0, fired.err
    outcomes = dict(line.split(": ", 1) for line in fired.out.strip().splitlines())
    assert outcomes.keys() == {"league_gone", "league_due"}
    assert outcomes["league_due"] == "done"
    assert re.fullmatch(
        r"failed \(PATCH \S+/matchday-99 was refused: HTTP 404.*\)", outcomes["league_gone"]
    )

    as_json = bestshot("schedules", "list", "--json")
    assert as_json.code == 0, as_json.err
    answer = json.loads(as_json.out)
    assert answer["scheduler"] == "local"
    by_name = {s["name"]: s for s in answer["schedules"]}
    assert (by_name["league_due"]["state"], by_name["league_due"]["attempts"]) == ("done", 1)
    assert by_name["league_due"]["firedAt"] is not None
    assert (by_name["league_gone"]["state"], by_name["league_gone"]["attempts"]) == ("failed", 1)
    assert "HTTP 404" in by_name["league_gone"]["lastError"]
    assert by_name["league_later"]["state"] == "pending"
    assert by_name["league_later"]["target"]["roundUrl"] == (
        f"{api}/api/v2/data-provider/tournaments/command-league/matches/matchday-21"
    )
    # The round the worker fired was updated and the table computed, through the API.
    table = httpx.get(f"{api}/api/v2/tournaments/command-league/standings", timeout=30).json()
    assert [len(t["rows"]) for t in table["tables"]] == [20]

    assert bestshot("worker", "--once").out.strip() == "nothing due"

    deleted = bestshot("schedules", "delete", "league_later")
    assert (deleted.code, deleted.out.strip()) == (0, "deleted league_later")
    remaining = json.loads(bestshot("schedules", "list", "--json").out)["schedules"]
    assert sorted(s["name"] for s in remaining) == ["league_due", "league_gone"]

    again = bestshot("schedules", "delete", "league_later")
    assert again.code == 2
    assert again.err.strip().splitlines() == [
        "bestshot schedules: error: no schedule named 'league_later'"
    ]


def test_schedules_plan_plans_the_day_as_the_api_does(bestshot: Cli, commands_api: LiveApi) -> None:
    # A league whose next matchday kicks off tomorrow: tomorrow's plan has one schedule.
    tomorrow = (NOW + timedelta(days=1)).date()
    admin = {"Authorization": f"Bearer {mint_admin_token(load_settings({}))}"}
    imported = httpx.post(
        f"{commands_api.url}/api/v2/data-provider/tournaments",
        json={
            "provider": "demo",
            "reference": f"8/{tomorrow.isoformat()}T15:00",
            "label": "Plan League",
            "rules": "premier_league",
        },
        headers=admin,
        timeout=30,
    )
    assert imported.status_code == 200, imported.text

    dry = bestshot("schedules", "plan", "--date", tomorrow.isoformat(), "--dry-run", "--json")
    assert dry.code == 0, dry.err
    planned = json.loads(dry.out)
    assert (planned["day"], planned["dryRun"]) == (tomorrow.isoformat(), True)
    ours = [s for s in planned["schedules"] if s["tournament"] == "plan-league"]
    assert [s["status"] for s in ours] == ["planned"] == [s["status"] for s in planned["schedules"]]
    listed = json.loads(bestshot("schedules", "list", "--json").out)["schedules"]
    assert ours[0]["name"] not in {s["name"] for s in listed}

    made = bestshot("schedules", "plan", "--date", tomorrow.isoformat())
    assert made.code == 0, made.err
    assert made.out.splitlines()[0] == f"{tomorrow.isoformat()}: planned"
    row = next(line.split() for line in made.out.splitlines() if ours[0]["name"] in line)
    assert row[-1] == "created"
    listed = json.loads(bestshot("schedules", "list", "--json").out)["schedules"]
    assert ours[0]["name"] in {s["name"] for s in listed}

    try:
        again = bestshot("schedules", "plan", "--date", tomorrow.isoformat(), "--json")
        statuses = [s["status"] for s in json.loads(again.out)["schedules"]]
        assert statuses == ["unchanged"]
    finally:
        # The module's database is shared: the other tests list every schedule.
        assert bestshot("schedules", "delete", ours[0]["name"]).code == 0


# `bestshot demo`: its own embedded PostgreSQL, API, worker and fast clock, in this process.


def _after(lines: list[str], heading: str, count: int) -> list[str]:
    start = lines.index(heading) + 1
    return lines[start : start + count]


async def test_bestshot_demo_plays_a_matchday_end_to_end() -> None:
    said: list[str] = []
    # Twice the default speed: the matchday's seven and a half hours in about five seconds.
    await run_demo(speed=6000, seed=DEMO_SEED, say=said.append)
    lines = "\n".join(said).splitlines()

    planned = _after(lines, "POST /api/v2/data-provider/scheduler planned:", 1)
    [found] = [re.fullmatch(r"  (\S+)  at\((\S+)\)  \(created\)", line) for line in planned]
    assert found is not None, planned
    name = found[1]
    assert name.startswith("demo_league_")
    # Fired once, by the worker, through the caller and the API, at the first attempt.
    [fired] = [line for line in lines if " fired " in line]
    assert re.fullmatch(rf"  \d\d:\d\d fired {name} \(attempt 1\)", fired), fired
    assert not [line for line in lines if " failed: " in line]

    scores = _after(lines, "Scores written for matchday-20:", 10)
    assert len(scores) == 10
    assert all(re.fullmatch(r"\s*\S.* +\d+-\d+ +\S.* finished", line) for line in scores), scores

    table = _after(lines, "GET /api/v2/tournaments/demo-league/standings:", 21)
    header, *rows = table
    assert header.split()[:4] == ["Pos", "Team", "P", "W"]
    parsed = [
        re.fullmatch(r"\s+(\d+)  (.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+.*?(\d+)  [WDL]*", row)
        for row in rows
    ]
    assert all(parsed), rows
    positions = [int(p[1]) for p in parsed if p]
    assert positions == list(range(1, 21))
    assert len({p[2] for p in parsed if p}) == 20
    assert {int(p[3]) for p in parsed if p} == {20}  # every club has played matchday 20
    points = [int(p[7]) for p in parsed if p]
    assert points == sorted(points, reverse=True)

    [heading] = [line for line in lines if line.startswith("GET /api/v2/events?after=")]
    counted = re.fullmatch(r"GET /api/v2/events\?after=\d+: the matchday's (\d+) events", heading)
    assert counted is not None, heading
    count = int(counted[1])
    events = _after(lines, heading, count)
    kinds = [line.split()[1] for line in events]
    assert kinds.count("match.finished") == 10
    assert kinds.count("standings.changed") >= 1
    ids = [int(line.split()[0][1:]) for line in events]
    assert ids == sorted(ids)
