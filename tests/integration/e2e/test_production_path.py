"""The production path, end to end, on real parts over real connections.

`NODE_ENV=production` with production's checks satisfied: secrets of the required length, an
external `DATABASE_URL` (the embedded test server), `SCHEDULER_KIND=eventbridge` on moto's
server, and an https `API_DOMAIN`. The API is a real uvicorn serving TLS on loopback with a
certificate from a throwaway CA (trustme), which the Lambda handler trusts through
`SSL_CERT_FILE`, as it would trust a public CA in AWS. ESPN is a loopback server answering with
a recorded scoreboard (MLS, 17 September 2022: one match over, two under way, one to come).

The flow: an admin imports the tournament and creates the day's schedules; the schedule is read
back from the emulator with a plain client (name, expression, target, input); the Lambda handler
is run with that input once the provider has the results, in two containers at once (EventBridge
delivers at least once); the scores and the table are in PostgreSQL and in the API's answers; the
same event delivered again later changes nothing. Then `bestshot schedules` and `bestshot worker`
on the same production configuration.
"""

from __future__ import annotations

import asyncio
import copy
import json
import ssl
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import trustme
from aiobotocore.session import get_session

from adapters.memory import SettableClock
from adapters.stdlib_http import StdlibClient
from entrypoints import lambda_handler
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import Settings, load_settings
from tests.integration.api.live import LiveApi, bound_socket
from tests.integration.aws.emulator import (
    LAMBDA_ARN,
    QUEUE_ARN,
    REGION,
    ROLE_ARN,
    stored_names,
    use_throwaway_credentials,
)
from tests.integration.e2e.conftest import (
    Cli,
    change_count,
    stored_matches,
    stored_standings,
)
from tests.integration.sources.sources_loopback import LoopbackServer, Reply, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
SCOREBOARD = DATA / "espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json"
SCOREBOARD_PATH = "/apis/site/v2/sports/soccer/usa.1/scoreboard"
JWT_SECRET = f"e2e-jwt-{uuid.uuid4().hex}{uuid.uuid4().hex}"
INTERNAL_TOKEN = f"e2e-internal-{uuid.uuid4().hex}{uuid.uuid4().hex}"
GROUP = f"e2e-routine-{uuid.uuid4().hex[:8]}"
TOURNAMENT = "mls-2022"
ROUND = "day-2022-09-17"
# The recorded day's matches still awaiting a result kick off at 23:30, 00:00 and 01:00 UTC (the
# last at 21:00 in New York, still the 17th there): the schedule fires 150 minutes after 01:00.
SCHEDULE_NAME = "mls_2022_2022_09_18_03_30"
EXPRESSION = "at(2022-09-18T03:30:00)"
# What the provider says once the day is over: (event id, home goals, away goals).
FINAL_SCORES = {"623597": (2, 0), "623601": (1, 1), "623602": (2, 1), "623604": (0, 3)}
CONTEXT = SimpleNamespace(aws_request_id="e2e-request")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    served = authority.issue_cert("127.0.0.1")
    paths = SimpleNamespace(
        ca=folder / "ca.pem", chain=folder / "chain.pem", key=folder / "key.pem"
    )
    authority.cert_pem.write_to_path(str(paths.ca))
    served.private_key_pem.write_to_path(str(paths.key))
    for blob in served.cert_chain_pems:
        blob.write_to_path(str(paths.chain), append=True)
    return paths


@pytest.fixture(scope="module")
def espn() -> Iterator[LoopbackServer]:
    with serving() as server:
        server.script(SCOREBOARD_PATH, Reply.file(SCOREBOARD))
        yield server


@pytest.fixture(scope="module")
def aws_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The emulator's throwaway credentials for the whole module: the API's AWS client lives as
    long as the API."""
    with pytest.MonkeyPatch.context() as patch:
        use_throwaway_credentials(patch, tmp_path_factory.mktemp("aws"))
        yield


def production_environ(
    database_url: str, api_domain: str, moto_url: str, espn_url: str
) -> dict[str, str]:
    return {
        "NODE_ENV": "production",
        "API_DOMAIN": api_domain,
        "DATABASE_URL": database_url,
        "JWT_SECRET": JWT_SECRET,
        "INTERNAL_SERVICE_TOKEN": INTERNAL_TOKEN,
        "SCHEDULER_KIND": "eventbridge",
        "EVENTBRIDGE_LAMBDA_ARN": LAMBDA_ARN,
        "EVENTBRIDGE_ROLE_ARN": ROLE_ARN,
        "EVENTBRIDGE_DLQ_ARN": QUEUE_ARN,
        "EVENTBRIDGE_GROUP": GROUP,
        "EVENTBRIDGE_ENDPOINT_URL": moto_url,
        "AWS_REGION": REGION,
        "BESTSHOT_ESPN_URL": espn_url,
        "BESTSHOT_DB_POOL_MAX": "4",
    }


@pytest.fixture(scope="module")
def api(
    module_database: str,
    moto_url: str,
    aws_environment: None,
    espn: LoopbackServer,
    certificates: SimpleNamespace,
) -> Iterator[LiveApi]:
    sock = bound_socket()
    domain = f"https://127.0.0.1:{sock.getsockname()[1]}"
    settings = load_settings(production_environ(module_database, domain, moto_url, espn.url))
    assert settings.is_production
    # The recorded day, as the API's clock: planning a day already past would (rightly) move
    # every firing to a minute from now.
    clock = SettableClock(datetime(2022, 9, 17, 16, 0, tzinfo=UTC))
    with LiveApi(
        settings, sock=sock, tls=(certificates.chain, certificates.key), clock=clock
    ) as live:
        assert live.url == domain
        yield live


@pytest.fixture
def handler_environment(
    monkeypatch: pytest.MonkeyPatch, api: LiveApi, certificates: SimpleNamespace
) -> Iterator[None]:
    """The Lambda's configuration: the production API and its token, and the CA it trusts."""
    for name in ("API_DOMAIN_DEMO", "INTERNAL_SERVICE_TOKEN_DEMO", "SENTRY_DSN", "CALLER_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("API_DOMAIN", api.url)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", INTERNAL_TOKEN)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca))
    # One client per container; this test is a container of its own.
    monkeypatch.setattr(lambda_handler, "_shared_client", None)
    yield
    if lambda_handler._shared_client is not None:
        lambda_handler._shared_client.close()


def settings_of(api: LiveApi) -> Settings:
    assert api.service is not None
    return api.service.settings


def client_for(api: LiveApi, certificates: SimpleNamespace) -> httpx.Client:
    trusted = ssl.create_default_context(cafile=str(certificates.ca))
    return httpx.Client(base_url=api.url, verify=trusted, timeout=30)


def provider_results() -> Reply:
    """The recorded scoreboard as it reads once every match of the day is over."""
    board = json.loads(SCOREBOARD.read_text())
    final = copy.deepcopy(board)
    for event in final["events"]:
        competition = event["competitions"][0]
        competition["status"]["type"].update(name="STATUS_FULL_TIME", state="post")
        home, away = FINAL_SCORES[event["id"]]
        for competitor in competition["competitors"]:
            competitor["score"] = str(home if competitor["homeAway"] == "home" else away)
    return Reply.json(json.dumps(final))


def deliver_at_once(event: dict[str, Any], containers: int) -> list[dict[str, Any]]:
    """The handler run for `event` in several threads released together, each thread a Lambda
    container of its own (its own connection pool, as the handler keeps one per container)."""
    start = threading.Barrier(containers)
    own = threading.local()

    def client() -> StdlibClient:
        if not hasattr(own, "client"):
            own.client = StdlibClient()
        return cast(StdlibClient, own.client)

    def invoke() -> dict[str, Any]:
        start.wait(timeout=10)
        try:
            return lambda_handler.handler(event, CONTEXT)
        finally:
            client().close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lambda_handler, "_client", client)
        with ThreadPoolExecutor(max_workers=containers) as pool:
            return [f.result(timeout=60) for f in [pool.submit(invoke) for _ in range(containers)]]


async def stored_schedule(moto_url: str, name: str) -> dict[str, Any]:
    """The schedule as EventBridge Scheduler keeps it, read with a plain client."""
    session = get_session()
    async with session.create_client(
        "scheduler", region_name=REGION, endpoint_url=moto_url
    ) as client:
        names = await stored_names(client, GROUP)
        stored = await client.get_schedule(Name=names[name], GroupName=GROUP)
    return {"names": list(names), "schedule": stored}


def test_a_day_scheduled_in_eventbridge_fired_by_the_lambda_updates_scores_and_table(
    api: LiveApi,
    espn: LoopbackServer,
    moto_url: str,
    module_database: str,
    certificates: SimpleNamespace,
    handler_environment: None,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = {"Authorization": f"Bearer {mint_admin_token(settings_of(api), force=True)}"}
    with client_for(api, certificates) as http:
        imported = http.post(
            "/api/v2/data-provider/tournaments",
            json={
                "provider": "espn",
                "reference": "usa.1:20220917",
                "label": "MLS 2022",
                "rules": "mls",
                "timezone": "America/New_York",
            },
            headers=admin,
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["tournament"]["id"] == TOURNAMENT

        created = http.post(
            "/api/v2/data-provider/scheduler", params={"date": "2022-09-17"}, headers=admin
        )
        assert created.status_code == 200, created.text
        [schedule] = created.json()["schedules"]
        again = http.post(
            "/api/v2/data-provider/scheduler", params={"date": "2022-09-17"}, headers=admin
        )
        assert again.status_code == 200, again.text

    # The plan, as the API reports it ...
    round_url = f"{api.url}/api/v2/data-provider/tournaments/{TOURNAMENT}/matches/{ROUND}"
    standings_url = f"{api.url}/api/v2/data-provider/tournaments/{TOURNAMENT}/standings"
    expected_input = {
        "roundUrl": round_url,
        "standingsUrl": standings_url,
        "targetEnv": "production",
    }
    assert schedule["name"] == SCHEDULE_NAME
    assert schedule["expression"] == EXPRESSION
    assert (schedule["tournament"], schedule["round"]) == (TOURNAMENT, ROUND)
    assert schedule["target"] == expected_input
    assert schedule["status"] == "created"
    # ... running it again the same day is no error and changes nothing (the original crashed).
    assert [s["status"] for s in again.json()["schedules"]] == ["unchanged"]

    # ... and as EventBridge Scheduler holds it.
    found = asyncio.run(stored_schedule(moto_url, SCHEDULE_NAME))
    assert found["names"] == [SCHEDULE_NAME]
    stored = found["schedule"]
    assert stored["ScheduleExpression"] == EXPRESSION
    assert stored["ScheduleExpressionTimezone"] == "UTC"
    # SCHEDULE_FLEXIBLE_WINDOW_MINUTES' default: a burst of rounds is spread over 10 minutes.
    assert stored["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10}
    assert stored["ActionAfterCompletion"] == "DELETE"
    assert stored["Target"]["Arn"] == LAMBDA_ARN
    assert stored["Target"]["RoleArn"] == ROLE_ARN
    assert stored["Target"]["DeadLetterConfig"] == {"Arn": QUEUE_ARN}
    event = json.loads(stored["Target"]["Input"])
    assert event == expected_input

    # Before the matches are over nothing is stored as finished, and no table exists yet.
    before = asyncio.run(stored_matches(module_database, TOURNAMENT, ROUND))
    assert {key: row["status"] for key, row in before.items()} == {
        "espn:623597": "finished",
        "espn:623601": "live",
        "espn:623602": "live",
        "espn:623604": "scheduled",
    }
    assert asyncio.run(stored_standings(module_database, TOURNAMENT)) == []

    # The day is over; EventBridge invokes the Lambda with the schedule's input, and (it
    # delivers at least once) a second container gets the same event at the same moment.
    espn.script(SCOREBOARD_PATH, provider_results())
    changes_before = asyncio.run(change_count(module_database, TOURNAMENT))
    first, second = deliver_at_once(event, containers=2)

    for fired in (first, second):
        assert (fired["round"]["status"], fired["standings"]["status"]) == (200, 200)
        assert fired["round"]["body"]["overdue"] == []
    # The API serializes the two: one writes the results, the other finds nothing left to do.
    fired, late = sorted((first, second), key=lambda f: len(f["round"]["body"]["updated"]))[::-1]
    assert sorted(fired["round"]["body"]["updated"]) == [
        "espn:623601",
        "espn:623602",
        "espn:623604",
    ]
    assert fired["round"]["body"]["unchanged"] == ["espn:623597"]
    assert (late["round"]["body"]["updated"], late["round"]["body"]["changes"]) == ([], 0)
    assert asyncio.run(change_count(module_database, TOURNAMENT)) == changes_before + 3

    # The scores are in the database ...
    after = asyncio.run(stored_matches(module_database, TOURNAMENT, ROUND))
    assert {
        key.removeprefix("espn:"): (row["status"], row["home_score"], row["away_score"])
        for key, row in after.items()
    } == {key: ("finished", home, away) for key, (home, away) in FINAL_SCORES.items()}
    changes = asyncio.run(change_count(module_database, TOURNAMENT))
    table = asyncio.run(stored_standings(module_database, TOURNAMENT))
    assert len(table) == 8

    # ... and in the API's answers.
    with client_for(api, certificates) as http:
        matches = http.get(f"/api/v2/tournaments/{TOURNAMENT}/matches/{ROUND}")
        standings = http.get(f"/api/v2/tournaments/{TOURNAMENT}/standings")
    assert matches.status_code == 200, matches.text
    assert {
        m["key"]: (m["status"], m["score"]["home"], m["score"]["away"])
        for m in matches.json()["matches"]
    } == {f"espn:{key}": ("finished", h, a) for key, (h, a) in FINAL_SCORES.items()}
    assert standings.status_code == 200, standings.text
    [rows] = [t["rows"] for t in standings.json()["tables"]]
    assert [(r["team"], r["points"]) for r in rows] == [
        (row["team"], row["points"]) for row in table
    ]
    points = {r["name"]: r["points"] for r in rows}
    assert points == {
        "New York City FC": 3,
        "New York Red Bulls": 0,
        "New England Revolution": 1,
        "CF Montréal": 1,
        "Chicago Fire FC": 3,
        "Charlotte FC": 0,
        "Austin FC": 0,
        "Nashville SC": 3,
    }
    # Nashville won by three, New York City by two, Chicago by one.
    assert [r["name"] for r in rows[:3]] == ["Nashville SC", "New York City FC", "Chicago Fire FC"]
    assert [r["name"] for r in rows[-1:]] == ["Austin FC"]
    assert all(r["played"] == 1 for r in rows)

    # The same event delivered again (Lambda retries, EventBridge's at-least-once delivery):
    # nothing changes, not even the time the table was computed (nothing it depends on did).
    again_fired = lambda_handler.handler(event, CONTEXT)
    assert again_fired["round"]["body"]["updated"] == []
    assert again_fired["round"]["body"]["changes"] == 0
    assert len(again_fired["round"]["body"]["unchanged"]) == 4
    assert asyncio.run(stored_matches(module_database, TOURNAMENT, ROUND)) == after
    assert asyncio.run(change_count(module_database, TOURNAMENT)) == changes
    assert asyncio.run(stored_standings(module_database, TOURNAMENT)) == table
    with client_for(api, certificates) as http:
        reread = http.get(f"/api/v2/tournaments/{TOURNAMENT}/standings").json()
    assert reread == standings.json()
    assert again_fired["standings"]["body"]["computedAt"] == reread["computedAt"]

    # Part of this test, not one of its own: it reads the schedule planned above (the tests run
    # in a random order).
    schedules_commands_on_the_eventbridge_group(
        api, espn, moto_url, module_database, cli, monkeypatch
    )


def schedules_commands_on_the_eventbridge_group(
    api: LiveApi,
    espn: LoopbackServer,
    moto_url: str,
    module_database: str,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`bestshot schedules list|delete` on the production configuration: the schedule group."""
    for name, value in production_environ(module_database, api.url, moto_url, espn.url).items():
        monkeypatch.setenv(name, value)

    listed = cli("schedules", "list", "--json")
    assert listed.code == 0, listed.err
    answer = json.loads(listed.out)
    assert answer["scheduler"] == "eventbridge"
    assert [(s["name"], s["expression"], s["round"]) for s in answer["schedules"]] == [
        (SCHEDULE_NAME, EXPRESSION, ROUND)
    ]
    table = cli("schedules", "list")
    assert table.out.splitlines()[1].split() == [
        SCHEDULE_NAME,
        "2022-09-18",
        "03:30",
        TOURNAMENT,
        ROUND,
    ]

    # There is nothing for a local worker to do: schedules fire in AWS.
    refused = cli("worker", "--once")
    assert refused.code == 2
    assert refused.err.strip().splitlines() == [
        "bestshot worker: error: SCHEDULER_KIND=eventbridge: schedules fire in AWS, "
        "there is nothing for a local worker to do"
    ]

    deleted = cli("schedules", "delete", SCHEDULE_NAME)
    assert (deleted.code, deleted.out.strip()) == (0, f"deleted {SCHEDULE_NAME}")
    assert json.loads(cli("schedules", "list", "--json").out)["schedules"] == []
    session = get_session()

    async def names() -> list[str]:
        async with session.create_client(
            "scheduler", region_name=REGION, endpoint_url=moto_url
        ) as client:
            return list(await stored_names(client, GROUP))

    assert asyncio.run(names()) == []
    gone = cli("schedules", "delete", SCHEDULE_NAME)
    assert gone.code == 2
    # One line (besides the emulator's own request log: moto serves from this very process).
    [line] = [line for line in gone.err.splitlines() if '"logger": "werkzeug"' not in line]
    assert line.startswith("bestshot schedules: error: EventBridge Scheduler DeleteSchedule: ")
    assert SCHEDULE_NAME in line
