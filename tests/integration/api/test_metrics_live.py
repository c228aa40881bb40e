"""GET /metrics after real actions: `bestshot serve`'s wiring (the composition root, uvicorn on
loopback) over the embedded PostgreSQL, a provider on loopback standing in for ESPN, the local
worker firing a schedule through the real caller, and the dispatcher delivering to a receiver
that verifies signatures. The scrape is read as Prometheus reads it (its text parser)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families

from adapters.local_scheduler import ScheduleState
from adapters.memory import SettableClock
from adapters.postgres.admin import drop_database
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.commands.serve import uvicorn_config
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.api.live import bound_socket
from tests.integration.sources.sources_loopback import Reply, serving
from tests.integration.webhooks.receiver import running_receiver

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = "/api/v2/data-provider"
TOKEN = "metrics-live-internal-token-0123456789abcdef"
JWT = "metrics-live-jwt-secret-0123456789abcdef0123456789"
SCOREBOARD = "/apis/site/v2/sports/soccer/usa.1/scoreboard"
PAYLOAD = (
    Path(__file__).resolve().parents[2]
    / "data/sources/espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json"
)
ROUND = "day-2022-09-17"
MORNING = datetime(2022, 9, 17, 12, 0, tzinfo=UTC)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def later_board() -> bytes:
    """The scoreboard a little later: one match over (1-0), one more under way (0-1)."""
    board = json.loads(PAYLOAD.read_text())
    later = copy.deepcopy(board)
    for index, name, state, goals in (
        (1, "STATUS_FULL_TIME", "post", ("1", "0")),
        (3, "STATUS_FIRST_HALF", "in", ("0", "1")),
    ):
        competition = later["events"][index]["competitions"][0]
        competition["status"]["type"].update(name=name, state=state)
        for competitor in competition["competitors"]:
            competitor["score"] = goals[0] if competitor["homeAway"] == "home" else goals[1]
    return json.dumps(later).encode()


@asynccontextmanager
async def serving_api(service: Service, sock: object) -> AsyncIterator[None]:
    """The wired app under uvicorn, as `bestshot serve` runs it, in this test's event loop (so
    that the worker and the dispatcher, run here, share the service and its counters)."""
    server = uvicorn.Server(uvicorn_config(service.app(), "127.0.0.1", 0, service.settings.service))
    task = asyncio.create_task(server.serve(sockets=[sock]))  # type: ignore[list-item]
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn sets a flag
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


def parse(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_counters_move_with_real_updates_firings_and_deliveries(
    postgres_server: PostgresServerForTests,
) -> None:
    name = await postgres_server.new_database()
    sock = bound_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    clock = SettableClock(MORNING)
    try:
        with serving() as provider, running_receiver() as receiver:
            provider.script(SCOREBOARD, Reply.file(PAYLOAD))
            settings = load_settings(
                {
                    "NODE_ENV": "demo",
                    "API_DOMAIN": base,
                    "DATABASE_URL": postgres_server.url(name),
                    "INTERNAL_SERVICE_TOKEN": TOKEN,
                    "JWT_SECRET": JWT,
                    "BESTSHOT_ESPN_URL": provider.url,
                    "BESTSHOT_DB_POOL_MAX": "4",
                    "FORWARDED_ALLOW_IPS": "127.0.0.1",  # a proxy on this machine
                    # The worker fires on the minute, not spread over a window.
                    "SCHEDULE_FLEXIBLE_WINDOW_MINUTES": "0",
                }
            )
            admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
            internal = {"X-Internal-Token": TOKEN}
            async with (
                bootstrap(settings, clock=clock) as service,
                serving_api(service, sock),
                httpx.AsyncClient(base_url=base, timeout=30) as http,
            ):
                imported = await http.post(
                    f"{DATA}/tournaments",
                    json={
                        "provider": "espn",
                        "reference": "usa.1:20220917",
                        "label": "Metrics League",
                        "rules": "mls",
                    },
                    headers=admin,
                )
                assert imported.status_code == 200, imported.text
                tournament = imported.json()["tournament"]["id"]
                hook = await http.post(
                    f"{DATA}/webhooks",
                    json={"url": receiver.url, "eventTypes": ["match.updated", "match.finished"]},
                    headers=admin,
                )
                assert hook.status_code == 201, hook.text
                receiver.secret = hook.json()["secret"]
                planned = await http.post(f"{DATA}/scheduler?date=2022-09-17", headers=admin)
                assert planned.status_code == 200, planned.text
                assert [s["status"] for s in planned.json()["schedules"]] == ["created"]

                # A round update through the API: the provider now has news of two matches.
                provider.script(
                    SCOREBOARD, Reply(200, later_board(), {"Content-Type": "application/json"})
                )
                updated = await http.patch(
                    f"{DATA}/tournaments/{tournament}/matches/{ROUND}", headers=internal
                )
                assert updated.status_code == 200, updated.text
                assert sorted(updated.json()["updated"]) == ["espn:623601", "espn:623604"]

                # The planned schedule, fired by the local worker when its time comes: the
                # caller PATCHes the round (nothing new by then) and the standings.
                (schedule,) = [
                    s for s in await service.scheduler.list() if not s.name.endswith("_f1")
                ]
                clock.set(schedule.fire_at)
                worker = service.worker()
                assert worker is not None
                fired = [o for o in await worker.run_once() if o.name == schedule.name]
                assert [o.state for o in fired] == [ScheduleState.DONE]

                dispatcher = service.dispatcher()
                try:
                    while await dispatcher.run_once():
                        pass
                finally:
                    await dispatcher.aclose()
                assert receiver.received

                scraped = await http.get("/metrics")
                proxied = await http.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    finally:
        await drop_database(postgres_server.admin_url, name)

    assert scraped.status_code == 200, scraped.text
    assert scraped.headers["content-type"].startswith("text/plain")
    got = parse(scraped.text)

    def espn(operation: str, outcome: str = "ok") -> float:
        labels = (("operation", operation), ("outcome", outcome), ("provider", "espn"))
        return got[("bestshot_provider_fetches_total", labels)]

    assert (espn("fixtures"), espn("round")) == (1, 2)
    timed = (("operation", "round"), ("provider", "espn"))
    assert got[("bestshot_provider_fetch_duration_seconds_count", timed)] == 2
    assert got[("bestshot_round_updates_total", (("outcome", "changed"),))] == 1
    assert got[("bestshot_round_updates_total", (("outcome", "unchanged"),))] == 1
    assert got[("bestshot_round_updates_total", (("outcome", "failed"),))] == 0
    # 623601 from 0-0 to 1-0, and 623604 from no score to 0-1.
    assert got[("bestshot_score_changes_total", (("kind", "updated"),))] == 2
    assert got[("bestshot_standings_computations_total", ())] == 1
    daily = (("kind", "round"), ("outcome", "created"))
    assert got[("bestshot_schedules_ensured_total", daily)] == 1
    # Matches still under way after the update: it ensured the round's first follow-up, and
    # the fired schedule's update found it there.
    follow_up = (("kind", "follow_up"), ("outcome", "created"))
    assert got[("bestshot_schedules_ensured_total", follow_up)] == 1
    again = (("kind", "follow_up"), ("outcome", "unchanged"))
    assert got[("bestshot_schedules_ensured_total", again)] == 1
    assert got[("bestshot_schedule_firings_total", (("outcome", "done"),))] == 1
    assert got[("bestshot_schedule_firings_total", (("outcome", "failed"),))] == 0
    delivered = got[("bestshot_webhook_deliveries_total", (("outcome", "delivered"),))]
    assert delivered == len(receiver.received) > 0
    assert got[("bestshot_webhook_delivery_duration_seconds_count", ())] == delivered

    # Through a proxy on this machine (FORWARDED_ALLOW_IPS believes it), the client is the
    # internet's: refused.
    assert proxied.status_code == 403
    assert "bestshot_" not in proxied.text
