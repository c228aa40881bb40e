"""A plan longer than the request's budget: 202 with a status URL, planning goes on, and the
status says pending, done or failed and which tournaments are planned (issue 17)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.memory import MemoryScheduler, SettableClock
from adapters.sources.demo import reference_for
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from tests.unit.api.conftest import problems_checked

SCHEDULER = "/api/v2/data-provider/scheduler"
OTHER = "other-league"


class GatedScheduler(MemoryScheduler):
    """Holds the other league's schedules until `opened` (or fails them with `failure`)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = asyncio.Event()
        self.failure: Exception | None = None

    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        if schedule.tournament_id == OTHER:
            await self.opened.wait()
            if self.failure is not None:
                raise self.failure
        return await super().ensure(schedule, exists=exists)


@pytest.fixture
def environ(environ: dict[str, str]) -> dict[str, str]:
    return {**environ, "SCHEDULE_PLAN_BUDGET_SECONDS": "0.2"}


@pytest.fixture
def scheduler() -> GatedScheduler:
    return GatedScheduler()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    # The app's own event loop runs the plan in the background, as a server's would.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=problems_checked(app)
    ) as client:
        yield client


@pytest.fixture
async def two_leagues(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    demo_import: dict[str, str],
    clock: SettableClock,
) -> None:
    other = {**demo_import, "label": "Other League", "reference": reference_for(8, clock.now())}
    response = await client.post("/api/v2/data-provider/tournaments", json=other, headers=admin)
    assert response.status_code == 200, response.text


async def _status(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Any:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


async def _until_finished(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Any:
    for _ in range(200):
        body = await _status(client, url, headers)
        if body["status"] != "pending":
            return body
        await asyncio.sleep(0.01)
    raise AssertionError("the plan never finished")


async def test_a_long_plan_is_accepted_then_goes_on_and_its_status_says_so(
    client: httpx.AsyncClient,
    two_leagues: None,
    internal: dict[str, str],
    scheduler: GatedScheduler,
) -> None:
    response = await client.post(SCHEDULER, headers=internal)

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "pending"
    assert response.headers["location"] == accepted["statusUrl"]
    assert accepted["statusUrl"] == f"{SCHEDULER}/plans/{accepted['id']}"
    assert accepted["plannedTournaments"] == ["demo-league"]  # never half a day unsaid
    assert accepted["pendingTournaments"] == [OTHER]
    assert accepted["schedules"] is None

    # Asking again meanwhile joins the plan under way rather than starting another.
    again = await client.post(SCHEDULER, headers=internal)
    assert again.status_code == 202
    assert again.json()["id"] == accepted["id"]

    scheduler.opened.set()
    done = await _until_finished(client, accepted["statusUrl"], internal)

    assert done["status"] == "done"
    assert done["plannedTournaments"] == ["demo-league", OTHER]
    assert done["pendingTournaments"] == []
    assert done["error"] is None
    stored = [schedule.name for schedule in await scheduler.list()]
    assert sorted(s["name"] for s in done["schedules"]) == sorted(stored)
    assert {s["tournament"] for s in done["schedules"]} == {"demo-league", OTHER}
    # The day is planned now: planning it again is quick and answers 200, unchanged.
    final = await client.post(SCHEDULER, headers=internal)
    assert final.status_code == 200
    assert {s["status"] for s in final.json()["schedules"]} == {"unchanged"}


async def test_a_background_plan_that_fails_says_why_and_what_was_planned(
    client: httpx.AsyncClient,
    two_leagues: None,
    admin: dict[str, str],
    scheduler: GatedScheduler,
) -> None:
    response = await client.post(SCHEDULER, headers=admin)
    assert response.status_code == 202
    scheduler.failure = StorageUnavailable("EventBridge Scheduler CreateSchedule: throttled")
    scheduler.opened.set()

    failed = await _until_finished(client, response.json()["statusUrl"], admin)

    assert failed["status"] == "failed"
    assert "throttled" in failed["error"]
    assert failed["plannedTournaments"] == ["demo-league"]
    assert failed["pendingTournaments"] == [OTHER]
    assert failed["schedules"] is None


async def test_a_plan_within_the_budget_answers_200_as_before(
    client: httpx.AsyncClient, demo_league: str, internal: dict[str, str]
) -> None:
    response = await client.post(SCHEDULER, headers=internal)
    assert response.status_code == 200
    assert response.json()["schedules"]


async def test_an_unknown_or_malformed_plan_id_is_a_problem(
    client: httpx.AsyncClient, internal: dict[str, str], admin: dict[str, str]
) -> None:
    unknown = await client.get(f"{SCHEDULER}/plans/{'0' * 32}", headers=internal)
    assert unknown.status_code == 404
    malformed = await client.get(f"{SCHEDULER}/plans/not-a-plan", headers=admin)
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "path.plan"
    assert (await client.get(f"{SCHEDULER}/plans/{'0' * 32}")).status_code == 401


async def test_the_document_declares_the_202_and_the_status(client: httpx.AsyncClient) -> None:
    document: dict[str, Any] = (await client.get("/openapi.json")).json()
    accepted = document["paths"][SCHEDULER]["post"]["responses"]["202"]
    assert "Location" in accepted["headers"]
    assert accepted["content"]["application/json"]["schema"]["$ref"].endswith("/PlanOut")
    status = document["paths"][SCHEDULER + "/plans/{plan}"]["get"]
    assert set(status["responses"]) >= {"200", "401", "403", "404", "422"}


async def test_the_apps_shutdown_stops_a_plan_under_way_and_says_so(
    app: Starlette,
    client: httpx.AsyncClient,
    two_leagues: None,
    internal: dict[str, str],
) -> None:
    """A server that runs the app's lifespan (uvicorn's default) stops the plans under way when
    it shuts down; `bestshot serve`, which runs none, calls the same `aclose` itself."""
    async with app.router.lifespan_context(app):
        response = await client.post(SCHEDULER, headers=internal)
        assert response.status_code == 202
    stopped = await _status(client, response.json()["statusUrl"], internal)
    assert stopped["status"] == "interrupted"
    assert "shut down" in stopped["error"]
    assert stopped["plannedTournaments"] == ["demo-league"]
    assert stopped["pendingTournaments"] == [OTHER]
