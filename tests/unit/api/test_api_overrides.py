"""Admins' overrides and a match's history through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.api.conftest import DEMO_ID

API = "/api/v2"


async def _first_match(client: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    rounds = (await client.get(f"{API}/tournaments/{DEMO_ID}/rounds")).json()["rounds"]
    slug = rounds[0]["slug"]
    matches = (await client.get(f"{API}/tournaments/{DEMO_ID}/matches/{slug}")).json()["matches"]
    return slug, matches[0]


def _paths(slug: str, key: str) -> tuple[str, str]:
    return (
        f"{API}/data-provider/tournaments/{DEMO_ID}/matches/{slug}/{key}",
        f"{API}/tournaments/{DEMO_ID}/matches/{slug}/{key}/history",
    )


OVERRIDE = {"status": "finished", "score": {"home": 5, "away": 0}, "reason": "official report"}


async def test_an_override_holds_against_the_provider_until_it_is_released(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
) -> None:
    slug, match = await _first_match(client)
    key = match["key"]
    admin_path, history_path = _paths(slug, key)
    round_path = f"{API}/data-provider/tournaments/{DEMO_ID}/matches/{slug}"

    response = await client.put(admin_path, json=OVERRIDE, headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["changed"] is True
    assert (body["tournament"], body["round"]) == (DEMO_ID, slug)
    assert body["match"]["score"] == {"home": 5, "away": 0}
    override = body["match"]["override"]
    assert (override["reason"], override["by"]) == ("official report", "someone")
    assert override["providerSays"] is None

    again = await client.put(admin_path, json=OVERRIDE, headers=admin)
    assert again.json()["changed"] is False

    # The provider's round update, twice: the match stays as the admin set it.
    for _ in range(2):
        update = await client.patch(round_path, headers=internal)
        assert update.status_code == 200, update.text
        assert key in update.json()["overridden"]
    read = (await client.get(f"{API}/tournaments/{DEMO_ID}/matches/{slug}")).json()
    (shown,) = [m for m in read["matches"] if m["key"] == key]
    assert shown["score"] == {"home": 5, "away": 0}
    assert shown["override"]["providerSays"]["status"] == match["status"]

    history = await client.get(history_path)
    assert history.status_code == 200, history.text
    changes = history.json()["changes"]
    assert [c["kind"] for c in changes] == ["observation", "override", "created"]
    assert changes[1]["source"] == "someone"
    assert changes[1]["reason"] == "official report"
    assert changes[1]["after"]["score"] == {"home": 5, "away": 0}
    assert changes[0]["source"] == changes[2]["source"] == "demo"

    released = await client.delete(admin_path, headers=admin)
    assert released.status_code == 200, released.text
    assert released.json()["match"]["override"] is None
    assert released.json()["changed"] is True
    assert (await client.delete(admin_path, headers=admin)).json()["changed"] is False
    kinds = [c["kind"] for c in (await client.get(history_path)).json()["changes"]]
    assert kinds[0] == "release"

    feed = (await client.get(f"{API}/events", params={"tournament": DEMO_ID})).json()
    types = [event["type"] for event in feed["events"]]
    assert types.count("match.overridden") == 1
    assert types.count("match.override_released") == 1
    (overridden,) = [e for e in feed["events"] if e["type"] == "match.overridden"]
    assert overridden["data"]["by"] == "someone"


async def test_the_history_is_paged_newest_first(
    client: httpx.AsyncClient, admin: dict[str, str], demo_league: str
) -> None:
    slug, match = await _first_match(client)
    admin_path, history_path = _paths(slug, match["key"])
    for home in range(3):
        body = OVERRIDE | {"score": {"home": home, "away": 0}}
        assert (await client.put(admin_path, json=body, headers=admin)).status_code == 200
    first = (await client.get(history_path, params={"limit": 2})).json()
    assert [c["after"]["score"]["home"] for c in first["changes"]] == [2, 1]
    second = (
        await client.get(history_path, params={"limit": 2, "before": first["nextBefore"]})
    ).json()
    assert [c["kind"] for c in second["changes"]] == ["override", "created"]
    assert second["nextBefore"] is None


@pytest.mark.parametrize(
    ("key", "payload", "status", "field"),
    [
        ("demo:nope", OVERRIDE, 404, None),
        ("nope", OVERRIDE, 422, "path.match"),
        (
            None,
            {"status": "finished", "score": {"home": -1, "away": 0}, "reason": "x"},
            422,
            "body.score.home",
        ),
        (
            None,
            {"status": "finished", "score": {"home": "1", "away": 0}, "reason": "x"},
            422,
            "body.score.home",
        ),
        (None, {"status": "finished", "score": {"home": 1, "away": 0}}, 422, "body.reason"),
        (
            None,
            {"status": "finished", "score": {"home": 1, "away": 0}, "reason": " "},
            422,
            "body.reason",
        ),
        (
            None,
            {"status": "over", "score": {"home": 1, "away": 0}, "reason": "x"},
            422,
            "body.status",
        ),
        (None, {"status": "finished", "reason": "x"}, 422, None),  # a final needs its score
    ],
)
async def test_bad_overrides_are_refused_as_problems(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    key: str | None,
    payload: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    slug, match = await _first_match(client)
    admin_path, _ = _paths(slug, key or match["key"])
    response = await client.put(admin_path, json=payload, headers=admin)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert field in [error["field"] for error in response.json()["errors"]]
    history = (await client.get(_paths(slug, match["key"])[1])).json()["changes"]
    assert [c["kind"] for c in history] == ["created"]


async def test_overrides_need_an_admin(
    client: httpx.AsyncClient, make_token: Any, demo_league: str
) -> None:
    slug, match = await _first_match(client)
    admin_path, _ = _paths(slug, match["key"])
    anonymous = await client.put(admin_path, json=OVERRIDE)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    not_admin = {"Authorization": f"Bearer {make_token(role='fan')}"}
    assert (await client.put(admin_path, json=OVERRIDE, headers=not_admin)).status_code == 403
    assert (await client.delete(admin_path, headers=not_admin)).status_code == 403
    assert (await client.delete(admin_path)).status_code == 401


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{API}/tournaments/nowhere/matches/matchday-1/demo:x/history", 404),
        (f"{API}/tournaments/{DEMO_ID}/matches/no-round/demo:x/history", 404),
        (f"{API}/tournaments/{DEMO_ID}/matches/{{round}}/demo:nope/history", 404),
        (f"{API}/tournaments/{DEMO_ID}/matches/{{round}}/nope/history", 422),
        (f"{API}/tournaments/{DEMO_ID}/matches/{{round}}/{{match}}/history?limit=0", 422),
        (f"{API}/tournaments/{DEMO_ID}/matches/{{round}}/{{match}}/history?before=x", 422),
        (f"{API}/tournaments/{DEMO_ID}/matches/{{round}}/{{match}}/history?other=1", 422),
    ],
)
async def test_bad_history_reads_are_problems(
    client: httpx.AsyncClient, demo_league: str, path: str, status: int
) -> None:
    slug, match = await _first_match(client)
    response = await client.get(path.format(round=slug, match=match["key"]))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_openapi_document_describes_overrides_and_the_history(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    admin = paths["/api/v2/data-provider/tournaments/{tournament}/matches/{round}/{match}"]
    assert {admin["put"]["operationId"], admin["delete"]["operationId"]} == {
        "setMatchOverride",
        "releaseMatchOverride",
    }
    assert admin["put"]["security"] == [{"adminBearer": []}]
    history = paths["/api/v2/tournaments/{tournament}/matches/{round}/{match}/history"]
    assert history["get"]["operationId"] == "getMatchHistory"
    assert {"match.overridden", "match.override_released"} <= set(document["webhooks"])
