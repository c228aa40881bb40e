"""Point adjustments through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.api.conftest import DEMO_ID

API = "/api/v2"
ADJUSTMENT = f"{API}/data-provider/tournaments/{DEMO_ID}/adjustments"
TEAM = "demo:t01"


async def _standings(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    response = await client.get(f"{API}/tournaments/{DEMO_ID}/standings")
    assert response.status_code == 200, response.text
    (table,) = response.json()["tables"]
    return {row["team"]: row for row in table["rows"]}


async def test_a_deduction_changes_the_stored_table_until_it_is_removed(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
) -> None:
    computed = await client.patch(
        f"{API}/data-provider/tournaments/{DEMO_ID}/standings", headers=internal
    )
    assert computed.status_code == 200
    before = (await _standings(client))[TEAM]["points"]

    response = await client.put(
        f"{ADJUSTMENT}/{TEAM}", json={"points": -10, "reason": "administration"}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["adjustments"] == [{"team": TEAM, "points": -10, "reason": "administration"}]
    (table,) = body["standings"]["tables"]
    assert {row["team"]: row["points"] for row in table["rows"]}[TEAM] == before - 10
    # The stored table (the public read) has it too.
    assert (await _standings(client))[TEAM]["points"] == before - 10

    again = await client.put(
        f"{ADJUSTMENT}/{TEAM}", json={"points": -10, "reason": "administration"}, headers=admin
    )
    assert again.json()["adjustments"] == body["adjustments"]

    removed = await client.delete(f"{ADJUSTMENT}/{TEAM}", headers=admin)
    assert removed.status_code == 200, removed.text
    assert removed.json()["adjustments"] == []
    assert (await _standings(client))[TEAM]["points"] == before


@pytest.mark.parametrize(
    ("team", "payload", "status", "field"),
    [
        ("demo:t99", {"points": -1, "reason": "x"}, 404, None),
        ("t01", {"points": -1, "reason": "x"}, 422, "path.team"),
        ("DEMO:t01", {"points": -1, "reason": "x"}, 422, "path.team"),
        (TEAM, {"points": "-1", "reason": "x"}, 422, "body.points"),
        (TEAM, {"points": True, "reason": "x"}, 422, "body.points"),
        (TEAM, {"points": -1001, "reason": "x"}, 422, "body.points"),
        (TEAM, {"points": -1}, 422, "body.reason"),
        (TEAM, {"points": -1, "reason": ""}, 422, "body.reason"),
        (TEAM, {"points": 0, "reason": "x"}, 422, "body.points"),
        (TEAM, {"points": -1, "reason": "  "}, 422, "body.reason"),
    ],
)
async def test_bad_adjustments_are_refused_naming_what_is_wrong(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    team: str,
    payload: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    response = await client.put(f"{ADJUSTMENT}/{team}", json=payload, headers=admin)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert field in [error["field"] for error in response.json()["errors"]]


async def test_an_adjustment_of_an_unknown_tournament_is_404(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.delete(
        f"{API}/data-provider/tournaments/nowhere/adjustments/{TEAM}", headers=admin
    )
    assert response.status_code == 404


async def test_the_openapi_document_describes_the_adjustments(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    path = document["paths"]["/api/v2/data-provider/tournaments/{tournament}/adjustments/{team}"]
    assert set(path) == {"put", "delete"}
    assert path["put"]["operationId"] == "setPointAdjustment"
    assert path["delete"]["operationId"] == "removePointAdjustment"
    parameters = {p["name"]: p["schema"] for p in path["put"]["parameters"]}
    assert parameters["team"]["pattern"] == r"^[a-z0-9_]+:[A-Za-z0-9._~-]+$"
    assert parameters["tournament"]["pattern"] == r"^[0-9a-z]+(?:[-_.][0-9a-z]+)*$"
    assert path["put"]["security"] == [{"adminBearer": []}]
