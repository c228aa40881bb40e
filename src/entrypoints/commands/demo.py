"""`bestshot demo`: one simulated matchday end to end, in seconds, on the real parts.

A throwaway embedded PostgreSQL, the API, the local worker and the demo source run here, on a
clock `--speed` times faster than real time. The command drives the API over HTTP as an
operator and the schedules would, then prints the scores and the table. Nothing is kept.
See README, "Quick start".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from adapters.accelerated_clock import AcceleratedClock
from adapters.local_scheduler import LocalScheduler, ScheduleState
from adapters.sources.demo import LAST_WAVE, DemoReference
from bestshot_domain.errors import BestshotError
from bestshot_domain.follow_ups import is_follow_up
from bestshot_routes import SCHEDULER_ROUTE
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.commands import HELP
from entrypoints.commands.serve import uvicorn_config
from entrypoints.commands.token import mint_admin_token
from entrypoints.demo_seed import DEMO_LABEL, DEMO_RULES, DEMO_SEED, DEMO_ZONES
from entrypoints.logs import configure_logging
from entrypoints.settings import load_settings
from entrypoints.use_cases import TournamentImport

FIRST_KICKOFF = time(12, 0)
LEAD = timedelta(minutes=5)  # the clock starts this long before the first kickoff
Say = Callable[[str], None]


def _free_socket() -> socket.socket:
    # Bound before the settings are made, so the schedules' URLs name the port that serves.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


async def run_demo(*, speed: float, seed: int, say: Say, limit: float = 120.0) -> None:
    """The whole demo; BestshotError when something fails or it takes over `limit` seconds."""
    day = datetime.now(UTC).date()
    reference = str(DemoReference(seed, day, FIRST_KICKOFF))
    clock = AcceleratedClock(datetime.combine(day, FIRST_KICKOFF, tzinfo=UTC) - LEAD, speed)
    sock = _free_socket()
    port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="bestshot-demo-") as folder:
        environ = {
            **os.environ,
            "NODE_ENV": "demo",
            "API_DOMAIN": f"http://127.0.0.1:{port}",
            "BESTSHOT_DATA_DIR": folder,
            "SCHEDULER_KIND": "local",
            "SCHEDULE_TEST_DELAY_SECONDS": "",
            "WORKER_POLL_SECONDS": "0.1",
        }
        environ.pop("DATABASE_URL", None)
        environ = {key: value for key, value in environ.items() if value != ""}
        settings = load_settings(environ)
        say(f"Starting a throwaway PostgreSQL and the API on {settings.service.api_domain} ...")
        async with bootstrap(settings, clock=clock) as service:
            # The clock starts once PostgreSQL is up: the matchday must not begin without us.
            clock.reset(datetime.combine(day, FIRST_KICKOFF, tzinfo=UTC) - LEAD)
            try:
                async with asyncio.timeout(limit):
                    await _matchday(service, sock, reference, day=day, clock=clock, say=say)
            except TimeoutError:
                raise BestshotError(f"the demo did not finish within {limit:.0f} s") from None


async def _matchday(
    service: Service,
    sock: socket.socket,
    reference: str,
    *,
    day: date,
    clock: AcceleratedClock,
    say: Say,
) -> None:
    import uvicorn  # noqa: PLC0415 - the web server only for this command

    settings = service.settings
    summary = await service.use_cases.import_tournament(
        TournamentImport("demo", reference, DEMO_LABEL, DEMO_RULES, zones=DEMO_ZONES)
    )
    tournament = summary.tournament.id
    await service.use_cases.update_standings(tournament)
    say(
        f"Imported {summary.tournament.label}: {summary.teams.created} clubs, "
        f"{summary.matches.created} matches, half the season played. The clock runs "
        f"{clock.real_seconds(timedelta(hours=1)):.1f} s an hour; it is now "
        f"{clock.now():%H:%M} UTC on {day}."
    )
    server = uvicorn.Server(uvicorn_config(service.app(), "127.0.0.1", 0))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    worker = service.worker()
    scheduler = service.local_scheduler
    if worker is None or scheduler is None:
        raise BestshotError("the demo needs the local scheduler")
    stop = asyncio.Event()
    firing = asyncio.create_task(worker.run(stop))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        base = settings.service.api_domain
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            before = await _events(http, tournament, after=0)
            token = mint_admin_token(settings)
            answer = await http.post(
                SCHEDULER_ROUTE,
                params={"date": day.isoformat()},
                headers={"Authorization": f"Bearer {token}"},
            )
            _check(answer)
            planned = answer.json()["schedules"]
            say(f"\nPOST {SCHEDULER_ROUTE} planned:")
            for schedule in planned:
                say(f"  {schedule['name']}  {schedule['expression']}  ({schedule['status']})")
            await _watch(scheduler, clock, {s["name"] for s in planned}, say)
            for schedule in planned:
                matches = await http.get(
                    f"/api/v2/tournaments/{tournament}/matches/{schedule['round']}"
                )
                _check(matches)
                say(f"\nScores written for {schedule['round']}:")
                for match in matches.json()["matches"]:
                    say("  " + _score_line(match))
            table = await http.get(f"/api/v2/tournaments/{tournament}/standings")
            _check(table)
            say("\nGET /api/v2/tournaments/" + tournament + "/standings:")
            say(_table(table.json()))
            last = before[-1]["id"] if before else 0
            events = await _events(http, tournament, after=last)
            say(f"\nGET /api/v2/events?after={last}: the matchday's {len(events)} events")
            for event in events:
                say("  " + _event_line(event))
    finally:
        stop.set()
        await firing
        server.should_exit = True
        await serving


async def _watch(
    scheduler: LocalScheduler,
    clock: AcceleratedClock,
    names: set[str],
    say: Say,
) -> None:
    """Report each schedule as it fires (follow-ups included) until none is left to fire."""
    reported: dict[str, ScheduleState] = {}
    while True:
        records = await scheduler.records()
        for record in records:
            name = record.schedule.name
            if reported.get(name) == record.state:
                continue
            reported[name] = record.state
            if record.state is ScheduleState.DONE:
                say(f"  {clock.now():%H:%M} fired {name} (attempt {record.attempts})")
            elif record.state is ScheduleState.FAILED:
                say(f"  {clock.now():%H:%M} {name} failed: {record.last_error}")
            elif is_follow_up(name) and record.state is ScheduleState.PENDING:
                say(f"  {clock.now():%H:%M} follow-up {name} planned: matches still under way")
        pending = [r for r in records if r.state in (ScheduleState.PENDING, ScheduleState.RUNNING)]
        if names <= set(reported) and not pending:
            return
        await asyncio.sleep(0.05)


async def _events(http: httpx.AsyncClient, tournament: str, *, after: int) -> list[Any]:
    """Every event of the tournament after `after`, paging through the feed."""
    found: list[Any] = []
    while True:
        answer = await http.get(
            "/api/v2/events", params={"after": after, "tournament": tournament, "limit": 500}
        )
        _check(answer)
        page = answer.json()
        found.extend(page["events"])
        if not page["events"]:
            return found
        after = page["nextAfter"]


def _event_line(event: dict[str, Any]) -> str:
    data = event["data"]
    head = f"#{event['id']:<5} {event['type']:<17}"
    match event["type"]:
        case "standings.changed":
            moved = [m for m in data["moves"] if m["oldPosition"] != m["newPosition"]]
            return f"{head} {len(data['moves'])} clubs' lines changed, {len(moved)} moved"
        case "zone.decided":
            return f"{head} {data['name']} {data['status']} {data['zone']}"
        case "schedule.failed":
            return f"{head} {data['schedule']} after {data['attempts']} attempts"
    return f"{head} {data['home']} v {data['away']}: {data['reason']}"


def _check(answer: httpx.Response) -> None:
    if answer.status_code >= 400:
        raise BestshotError(f"{answer.request.method} {answer.request.url.path}: {answer.text}")


def _score_line(match: dict[str, Any]) -> str:
    home, away = match["home"]["name"], match["away"]["name"]
    score = match.get("score")
    result = f"{score['home']}-{score['away']}" if score else " - "
    return f"{home:>22} {result:^5} {away:<22} {match['status']}"


def _table(body: dict[str, Any]) -> str:
    lines = [" Pos  Team                     P   W   D   L  GF  GA   GD  Pts  Form"]
    for table in body["tables"]:
        for row in table["rows"]:
            lines.append(
                f"  {row['position']:>2}  {row['name']:<22} {row['played']:>2} {row['won']:>3} "
                f"{row['drawn']:>3} {row['lost']:>3} {row['goalsFor']:>3} "
                f"{row['goalsAgainst']:>3} {row['goalDifference']:>+4} {row['points']:>4}  "
                f"{row['form']}"
            )
    return "\n".join(lines)


def _handle(args: argparse.Namespace) -> int:
    # The demo's own lines tell the story; the service's logs only when something is wrong.
    configure_logging("WARNING", ())
    logging.getLogger("bestshot.local_scheduler").setLevel(logging.ERROR)
    asyncio.run(run_demo(speed=args.speed, seed=args.seed, say=print))
    return 0


def _speed(value: str) -> float:
    try:
        speed = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= speed <= 100_000:
        raise argparse.ArgumentTypeError(f"the speed is between 1 and 100000, got {speed}")
    return speed


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # The matchday lasts from the first kickoff to the last wave's final whistle.
    span = LEAD + LAST_WAVE + timedelta(hours=2, minutes=30)
    parser = subparsers.add_parser(
        "demo",
        help=HELP["demo"],
        description="Run one simulated matchday end to end on a fast clock: a throwaway "
        "embedded PostgreSQL, the API on a free loopback port, the local scheduler and the demo "
        "source; prints the schedules created, each firing, the scores written, the table and "
        "the events the matchday produced (GET /api/v2/events).",
    )
    parser.add_argument(
        "--speed",
        type=_speed,
        default=3000.0,
        help=f"how many times faster than real time the clock runs (default 3000: the "
        f"{span.total_seconds() / 3600:.1f} h of a matchday in about "
        f"{span.total_seconds() / 3000:.0f} s)",
    )
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="the simulation's seed")
    parser.set_defaults(handler=_handle)
