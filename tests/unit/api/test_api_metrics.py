"""GET /metrics: what it counts after the API's own actions, and who may read it (clients on
this machine only by default; with METRICS_TOKEN, whoever presents it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain.errors import SourceUnavailable
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import ConfigurationError, Settings, load_settings
from tests.builders import league_fixtures
from tests.unit.api.conftest import DEMO_ID, NOW

DATA = "/api/v2/data-provider"
TOKEN = "metrics-token-for-the-tests-0123456789abcdef"
OUTSIDE = ("203.0.113.9", 50123)  # an address of the internet (TEST-NET-3)


@asynccontextmanager
async def from_address(app: Starlette, client: tuple[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@asynccontextmanager
async def app_of(settings: Settings) -> AsyncIterator[Starlette]:
    async with bootstrap(
        settings,
        uow_factory=MemoryUnitOfWorkFactory(),
        scheduler=MemoryScheduler(),
        sources={},
        clock=SettableClock(NOW),
    ) as service:
        yield service.app()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "no-store"
    return samples(response.text)


async def test_a_round_update_and_the_tables_move_their_counters(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    before = await scrape(client)
    assert before[("bestshot_round_updates_total", (("outcome", "changed"),))] == 0
    fetched = (("operation", "fixtures"), ("outcome", "ok"), ("provider", "demo"))
    assert before[("bestshot_provider_fetches_total", fetched)] == 1  # the import

    planned = await client.post(f"{DATA}/scheduler", headers=admin)
    assert planned.status_code == 200
    round_path = f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20"
    clock.advance(timedelta(hours=4))  # the first wave is over, the last one under way
    assert (await client.patch(round_path, headers=internal)).status_code == 200
    clock.advance(timedelta(hours=8))
    assert (await client.patch(round_path, headers=internal)).status_code == 200
    assert (await client.patch(round_path, headers=internal)).status_code == 200  # no news
    for _ in range(2):
        standings = await client.patch(f"{DATA}/tournaments/{DEMO_ID}/standings", headers=internal)
        assert standings.status_code == 200

    after = await scrape(client)
    assert after[("bestshot_round_updates_total", (("outcome", "changed"),))] == 2
    assert after[("bestshot_round_updates_total", (("outcome", "unchanged"),))] == 1
    # Ten matches went from no score to their result, some through a live score on the way.
    assert after[("bestshot_score_changes_total", (("kind", "updated"),))] >= 10
    assert after[("bestshot_score_changes_total", (("kind", "correction"),))] == 0
    rounds = (("operation", "round"), ("outcome", "ok"), ("provider", "demo"))
    assert after[("bestshot_provider_fetches_total", rounds)] == 3
    timed = (("operation", "round"), ("provider", "demo"))
    assert after[("bestshot_provider_fetch_duration_seconds_count", timed)] == 3
    assert after[("bestshot_standings_computations_total", ())] == 1  # then still current
    daily = (("kind", "round"), ("outcome", "created"))
    assert after[("bestshot_schedules_ensured_total", daily)] == 1
    # Halfway through, matches under way: the round update ensured a follow-up.
    follow_up = (("kind", "follow_up"), ("outcome", "created"))
    assert after[("bestshot_schedules_ensured_total", follow_up)] == 1


async def test_a_failed_round_update_is_counted_with_its_provider_outcome(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    scripted: ScriptedSource,
) -> None:
    scripted.publish("liga", league_fixtures(4, start=NOW + timedelta(hours=3)))
    body = {"provider": "scripted", "reference": "liga", "label": "Liga", "rules": "premier_league"}
    imported = await client.post(f"{DATA}/tournaments", json=body, headers=admin)
    assert imported.status_code == 200, imported.text
    liga = imported.json()["tournament"]["id"]
    scripted.fail(SourceUnavailable("scripted", "503 three times"))
    failed = await client.patch(f"{DATA}/tournaments/{liga}/matches/matchday-1", headers=internal)
    assert failed.status_code == 502
    missing = await client.patch(f"{DATA}/tournaments/{liga}/matches/no-such", headers=internal)
    assert missing.status_code == 404

    after = await scrape(client)
    assert after[("bestshot_round_updates_total", (("outcome", "failed"),))] == 2
    unavailable = (("operation", "round"), ("outcome", "unavailable"), ("provider", "scripted"))
    assert after[("bestshot_provider_fetches_total", unavailable)] == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
async def test_clients_on_this_machine_are_answered_by_default(app: Starlette, host: str) -> None:
    async with from_address(app, (host, 40000)) as http:
        assert (await http.get("/metrics")).status_code == 200


@pytest.mark.parametrize(
    ("host", "headers"),
    [
        (OUTSIDE[0], {}),
        ("10.0.0.7", {}),  # a neighbour on the private network is not this machine either
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}),  # a proxy on this machine
        ("127.0.0.1", {"Forwarded": "for=203.0.113.9"}),
        ("127.0.0.1", {"X-Real-IP": "203.0.113.9"}),
        ("testclient", {}),  # not an address at all
    ],
)
async def test_anyone_else_is_refused_by_default(
    app: Starlette, host: str, headers: dict[str, str]
) -> None:
    async with from_address(app, (host, 40000)) as http:
        refused = await http.get("/metrics", headers=headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "METRICS_TOKEN" in refused.json()["detail"]
    assert b"bestshot_" not in refused.content


async def test_with_a_token_only_its_bearer_is_answered_from_anywhere(
    environ: dict[str, str],
) -> None:
    settings = load_settings({**environ, "METRICS_TOKEN": TOKEN})
    async with app_of(settings) as app, from_address(app, ("127.0.0.1", 40000)) as local:
        # The token decides, even on this machine.
        missing = await local.get("/metrics")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == 'Bearer realm="metrics"'
        assert TOKEN not in missing.text
        wrong = await local.get("/metrics", headers={"Authorization": f"Bearer {TOKEN[:-1]}x"})
        assert wrong.status_code == 401
        basic = await local.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
        assert basic.status_code == 401
        async with from_address(app, OUTSIDE) as outside:
            answered = await outside.get(
                "/metrics",
                headers={"Authorization": f"Bearer {TOKEN}", "X-Forwarded-For": OUTSIDE[0]},
            )
            assert answered.status_code == 200
            assert "bestshot_round_updates_total" in answered.text
            assert (await outside.get("/metrics")).status_code == 401


async def test_switched_off_there_is_no_metrics_route(environ: dict[str, str]) -> None:
    settings = load_settings({**environ, "METRICS_ENABLED": "false"})
    async with app_of(settings) as app, from_address(app, ("127.0.0.1", 40000)) as client:
        assert (await client.get("/metrics")).status_code == 404
        document = (await client.get("/openapi.json")).json()
    assert "/metrics" not in document["paths"]


async def test_the_document_describes_the_route_and_its_refusals(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/metrics"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403"}
    assert "METRICS_TOKEN" in operation["description"]


async def test_openmetrics_is_served_to_a_scraper_that_asks_for_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


@pytest.mark.parametrize("token", ["two words", "semi;colon", "trailing-space "])
def test_a_token_a_bearer_header_cannot_carry_is_refused(
    environ: dict[str, str], token: str
) -> None:
    with pytest.raises(ConfigurationError, match="METRICS_TOKEN") as caught:
        load_settings({**environ, "METRICS_TOKEN": token})
    assert token not in str(caught.value)


def test_production_refuses_a_weak_token() -> None:
    with pytest.raises(ConfigurationError, match="METRICS_TOKEN is shorter than 32"):
        load_settings({"NODE_ENV": "production", "METRICS_TOKEN": "short-token"})
