"""The home path, end to end: the local scheduler, the demo source and a clock moved by hand.

A real uvicorn API on loopback (`NODE_ENV=demo`, `SCHEDULER_KIND=local`) over the embedded
PostgreSQL, wired by the real composition root with a `SettableClock`; two workers polling at
once (`run_once`), each on its own connection pool (one wired by the composition root,
`Service.worker()`, the other built by hand), firing through the real caller over HTTP. The
schedule must fire exactly once, when its time has come and not before, and leave the round's
scores and the table in the database and in the API's answers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.local_scheduler import (
    FireOutcome,
    LocalScheduler,
    LocalWorker,
    ScheduleState,
    WorkerConfig,
    caller_fire,
)
from adapters.memory import SettableClock
from adapters.postgres import create_pool
from adapters.postgres.admin import drop_database
from adapters.sources.demo import DEFAULT_MATCH_WINDOW, DemoSource, simulate
from entrypoints.bootstrap import bootstrap
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import Settings, load_settings
from tests.conftest import TEST_POOL, PostgresServerForTests
from tests.integration.api.live import LiveApi, bound_socket
from tests.integration.e2e.conftest import AccessLog, fetch, stored_standings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DAY = date(2026, 5, 9)
SEED = 77
REFERENCE = f"{SEED}/{DAY.isoformat()}T12:00"  # matchday 20 kicks off at 12:00, 14:30, 17:00
ROUND = "matchday-20"
JWT_SECRET = f"e2e-home-jwt-{uuid.uuid4().hex}"
INTERNAL_TOKEN = f"e2e-home-internal-{uuid.uuid4().hex}"
FOLLOW_UP_MINUTES = 20
POLL = timedelta(milliseconds=50)
LATE_WINDOW = DEFAULT_MATCH_WINDOW + timedelta(minutes=FOLLOW_UP_MINUTES)


def at(hour: int, minute: int) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=UTC)


def home_settings(database_url: str, api_domain: str) -> Settings:
    return load_settings(
        {
            "NODE_ENV": "demo",
            "API_DOMAIN": api_domain,
            "DATABASE_URL": database_url,
            "JWT_SECRET": JWT_SECRET,
            "INTERNAL_SERVICE_TOKEN": INTERNAL_TOKEN,
            "SCHEDULER_KIND": "local",
            "WORKER_POLL_SECONDS": "0.05",
            "SCHEDULE_FOLLOW_UP_MINUTES": str(FOLLOW_UP_MINUTES),
            # Fired on the minute, as these times say (spreading: local_scheduler/test_scale).
            "SCHEDULE_FLEXIBLE_WINDOW_MINUTES": "0",
            "BESTSHOT_DB_POOL_MAX": "4",
        }
    )


class Home:
    """One home installation: its API, its database and its clock."""

    def __init__(self, api: LiveApi, settings: Settings, database_url: str, clock: SettableClock):
        self.api = api
        self.settings = settings
        self.database_url = database_url
        self.clock = clock
        self.admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.api.url, timeout=30)

    async def schedules(self) -> list[dict[str, Any]]:
        return await fetch(
            self.database_url, "SELECT * FROM local_schedules ORDER BY fire_at, name"
        )

    @asynccontextmanager
    async def two_workers(self) -> AsyncIterator[TwoWorkers]:
        """Two workers, each on a pool of its own, for as long as the block lasts."""
        pool = await create_pool(self.database_url, TEST_POOL)
        try:
            async with bootstrap(self.settings, clock=self.clock, migrate=False) as service:
                wired = service.worker(poll_interval=POLL)
                assert wired is not None
                by_hand = LocalWorker(
                    LocalScheduler(pool, self.settings.service.api_domain),
                    fire=caller_fire(INTERNAL_TOKEN, self.settings.service.api_domain),
                    clock=self.clock,
                    # The same rules as the wired worker's, from the same settings.
                    config=WorkerConfig(
                        poll_interval=POLL, max_attempts=self.settings.worker.max_attempts
                    ),
                )
                yield TwoWorkers(wired, by_hand)
        finally:
            await pool.close()


class TwoWorkers:
    def __init__(self, *workers: LocalWorker) -> None:
        self.workers = workers

    async def poll(self) -> list[FireOutcome]:
        """One poll of each worker, at the same time: what they fired between them."""
        polled = await asyncio.gather(*(worker.run_once() for worker in self.workers))
        return [outcome for outcomes in polled for outcome in outcomes]


def home(
    postgres_server: PostgresServerForTests, *, match_window: timedelta | None = None
) -> Iterator[Home]:
    """A home installation on a fresh database, for as long as the generator is open.

    `match_window`: the demo source's, when it must differ from the schedules' (by default the
    composition root builds the source, with the schedules' window).
    """
    name = asyncio.run(postgres_server.new_database())
    url = postgres_server.url(name)
    clock = SettableClock(at(11, 0))
    sock = bound_socket()
    settings = home_settings(url, f"http://127.0.0.1:{sock.getsockname()[1]}")
    ports: dict[str, Any] = {"clock": clock}
    if match_window is not None:
        ports["sources"] = {"demo": DemoSource(clock, match_window)}
    try:
        with LiveApi(settings, sock=sock, **ports) as api:
            yield Home(api, settings, url, clock)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


@pytest.fixture(scope="module")
def league(postgres_server: PostgresServerForTests) -> Iterator[Home]:
    """The installation as the composition root wires it: the demo source on the same clock."""
    yield from home(postgres_server)


@pytest.fixture(scope="module")
def late_league(postgres_server: PostgresServerForTests) -> Iterator[Home]:
    """A provider whose matches run 20 minutes longer than the schedules allow for (extra
    time, a late kickoff): the demo source with a longer window than the schedules'."""
    yield from home(postgres_server, match_window=LATE_WINDOW)


def round_path(tournament: str) -> str:
    return f"/api/v2/data-provider/tournaments/{tournament}/matches/{ROUND}"


def standings_path(tournament: str) -> str:
    return f"/api/v2/data-provider/tournaments/{tournament}/standings"


Scores = dict[str, tuple[str, int | None, int | None]]


def simulated(now: datetime, window: timedelta = DEFAULT_MATCH_WINDOW) -> Scores:
    """What the demo provider says of matchday 20 at `now`: status and score per match key."""
    return {
        f"demo:{m.external_id}": (
            m.observation.status.value,
            m.observation.score.home if m.observation.score else None,
            m.observation.score.away if m.observation.score else None,
        )
        for m in simulate(REFERENCE, now, window)
        if m.round.slug == ROUND
    }


@asynccontextmanager
async def row_locked(url: str, name: str) -> AsyncIterator[None]:
    """A schedule's row locked by another transaction (a third worker claiming it) meanwhile."""
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT 1 FROM local_schedules WHERE name = $1 FOR UPDATE", name
            )
            yield
    finally:
        await connection.close()


async def wait_for_patches(log: AccessLog, count: int, within: float = 10.0) -> None:
    # The access line is written once the answer is sent, so it may trail the caller a little.
    async with asyncio.timeout(within):
        while True:
            if len(log.patches()) >= count:
                return
            await asyncio.sleep(0.02)


async def import_and_schedule(installation: Home, label: str) -> tuple[str, dict[str, Any]]:
    async with installation.http() as http:
        imported = await http.post(
            "/api/v2/data-provider/tournaments",
            json={
                "provider": "demo",
                "reference": REFERENCE,
                "label": label,
                "rules": "premier_league",
            },
            headers=installation.admin,
        )
        assert imported.status_code == 200, imported.text
        tournament = imported.json()["tournament"]["id"]
        # No date: the day of the installation's clock.
        created = await http.post("/api/v2/data-provider/scheduler", headers=installation.admin)
        assert created.status_code == 200, created.text
    assert created.json()["day"] == DAY.isoformat()
    [schedule] = created.json()["schedules"]
    return tournament, schedule


async def table_rows(installation: Home, tournament: str) -> list[dict[str, Any]]:
    async with installation.http() as http:
        answer = await http.get(f"/api/v2/tournaments/{tournament}/standings")
    assert answer.status_code == 200, answer.text
    [table] = answer.json()["tables"]
    rows: list[dict[str, Any]] = table["rows"]
    return rows


async def round_matches(installation: Home, tournament: str) -> list[dict[str, Any]]:
    async with installation.http() as http:
        answer = await http.get(f"/api/v2/tournaments/{tournament}/matches/{ROUND}")
    assert answer.status_code == 200, answer.text
    matches: list[dict[str, Any]] = answer.json()["matches"]
    return matches


def scores_of(matches: list[dict[str, Any]]) -> Scores:
    return {
        m["key"]: (
            m["status"],
            m["score"]["home"] if m["score"] else None,
            m["score"]["away"] if m["score"] else None,
        )
        for m in matches
    }


async def table_from_results(url: str, tournament: str) -> dict[str, tuple[int, int]]:
    """(played, points) per team, counted straight from the finished matches stored."""
    rows = await fetch(
        url,
        "SELECT home, away, home_score, away_score FROM matches "
        "WHERE tournament_id = $1 AND status = 'finished'",
        tournament,
    )
    played: Counter[str] = Counter()
    points: Counter[str] = Counter()
    for row in rows:
        home_goals, away_goals = row["home_score"], row["away_score"]
        played.update([row["home"], row["away"]])
        points[row["home"]] += 3 if home_goals > away_goals else home_goals == away_goals
        points[row["away"]] += 3 if away_goals > home_goals else home_goals == away_goals
    return {team: (played[team], points[team]) for team in played}


async def test_a_schedule_fires_once_when_due_with_two_workers_running(
    league: Home, access_log: AccessLog
) -> None:
    league.clock.set(at(11, 0))
    tournament, schedule = await import_and_schedule(league, "Home League")
    async with league.http() as http:
        before = (await http.get(f"/api/v2/tournaments/{tournament}/standings")).json()
    assert (before["computedAt"], before["tables"]) == (None, [])

    # The last wave kicks off at 17:00; the schedule fires when it should be over.
    name = schedule["name"]
    assert name == "home_league_2026_05_09_19_30"
    assert schedule["expression"] == "at(2026-05-09T19:30:00)"
    assert schedule["status"] == "created"
    [row] = await league.schedules()
    assert row["name"] == name
    assert row["fire_at"] == at(19, 30)
    assert row["round_url"] == league.api.url + round_path(tournament)
    assert row["standings_url"] == league.api.url + standings_path(tournament)
    assert (row["target_env"], row["state"], row["attempts"]) == ("demo", "pending", 0)
    assert row["fired_at"] is None

    async with league.two_workers() as workers:
        # The last wave is still being played: not due yet, nothing fires.
        league.clock.set(at(19, 29))
        assert await workers.poll() == []
        assert access_log.patches() == []
        assert [r["state"] for r in await league.schedules()] == ["pending"]

        # Due, while another claimant holds the schedule's row: both workers pass it by rather
        # than queue behind the lock and then each fire it.
        async with row_locked(league.database_url, name):
            league.clock.set(at(19, 31))
            assert await workers.poll() == []
            assert access_log.patches() == []

        # Free again: both workers, polling in step, find it due; one of them fires it.
        (outcome,) = await workers.poll()
        assert (outcome.name, outcome.state) == (name, ScheduleState.DONE)
        await wait_for_patches(access_log, 2)
        assert await workers.poll() == []  # more polls of both workers: nothing more fires
        (fired,) = [row for row in await league.schedules() if row["name"] == name]

    # Exactly once: one PATCH of the round, one of the standings, one attempt.
    assert access_log.patches() == [
        (round_path(tournament), 200),
        (standings_path(tournament), 200),
    ]
    assert (fired["attempts"], fired["fired_at"], fired["last_error"]) == (1, at(19, 31), None)
    assert len(await league.schedules()) == 1  # every match was over: no follow-up

    # The round's scores are the provider's, in the API's answer ...
    scores = scores_of(await round_matches(league, tournament))
    assert scores == simulated(at(19, 31))
    assert {status for status, _, _ in scores.values()} == {"finished"}
    assert len(scores) == 10

    # ... and so is the table: stored, served, and adding up to the stored results.
    rows = await table_rows(league, tournament)
    stored = await stored_standings(league.database_url, tournament)
    assert [(r["team"], r["position"], r["points"]) for r in rows] == [
        (s["team"], s["position"], s["points"]) for s in stored
    ]
    assert len(rows) == 20
    assert {r["team"]: (r["played"], r["points"]) for r in rows} == await table_from_results(
        league.database_url, tournament
    )
    assert {r["played"] for r in rows} == {20}
    assert [r["position"] for r in rows] == sorted(r["position"] for r in rows)
    assert [r["points"] for r in rows] == sorted((r["points"] for r in rows), reverse=True)


async def test_a_round_still_under_way_gets_a_follow_up_until_it_is_over(
    late_league: Home, access_log: AccessLog
) -> None:
    installation = late_league
    installation.clock.set(at(11, 0))
    tournament, schedule = await import_and_schedule(installation, "Late League")
    name = schedule["name"]
    assert schedule["expression"] == "at(2026-05-09T19:30:00)"

    # The API's round update ensures the follow-up (for every scheduler), named after the round
    # and when its matches should have been over, firing the first gap after that.
    follow_up_name = "late_league_matchday-20_2026_05_09_19_30_f1"
    async with installation.two_workers() as workers:
        # Due, but the last wave (17:00) is still being played: its two matches are live.
        installation.clock.set(at(19, 31))
        (outcome,) = await workers.poll()
        assert (outcome.name, outcome.follow_up) == (name, follow_up_name)
        await wait_for_patches(access_log, 2)
        assert await workers.poll() == []  # the follow-up is not due yet
        assert len(access_log.patches()) == 2
        by_name = {row["name"]: row for row in await installation.schedules()}
        assert by_name[name]["state"] == "done"
        follow_up = by_name[follow_up_name]
        assert follow_up["state"] == "pending"
        assert follow_up["fire_at"] == at(19, 30) + timedelta(minutes=FOLLOW_UP_MINUTES)
        assert follow_up["round_url"] == by_name[name]["round_url"]

        matches = await round_matches(installation, tournament)
        assert scores_of(matches) == simulated(at(19, 31), LATE_WINDOW)
        assert Counter(m["status"] for m in matches) == {"finished": 8, "live": 2}
        live_teams = {
            m[side]["key"] for m in matches if m["status"] == "live" for side in ("home", "away")
        }
        # The table counts the results, not the matches still being played.
        rows = await table_rows(installation, tournament)
        assert {r["team"] for r in rows if r["played"] == 19} == live_teams
        assert {r["played"] for r in rows} == {19, 20}

        # Past the end of the late matches: the follow-up fires, and the round is complete.
        installation.clock.set(at(19, 52))
        (outcome,) = await workers.poll()
        assert (outcome.name, outcome.state, outcome.follow_up) == (
            follow_up_name,
            ScheduleState.DONE,
            None,
        )
        await wait_for_patches(access_log, 4)
        assert await workers.poll() == []
        (done,) = [r for r in await installation.schedules() if r["name"] == follow_up_name]

    assert done["attempts"] == 1
    assert [path for path, _ in access_log.patches()] == [
        round_path(tournament),
        standings_path(tournament),
    ] * 2
    assert [r["name"] for r in await installation.schedules()] == [name, follow_up_name]
    scores = scores_of(await round_matches(installation, tournament))
    assert scores == simulated(at(19, 52), LATE_WINDOW)
    assert {status for status, _, _ in scores.values()} == {"finished"}
    rows = await table_rows(installation, tournament)
    assert {r["played"] for r in rows} == {20}
    assert {r["team"]: (r["played"], r["points"]) for r in rows} == await table_from_results(
        installation.database_url, tournament
    )
