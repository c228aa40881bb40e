"""The event feed (GET /api/v2/events) and the webhooks of the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from adapters.memory import SettableClock
from tests.unit.api.conftest import DEMO_ID

API = "/api/v2"
EVENT_TYPES = {
    "match.updated",
    "match.finished",
    "match.corrected",
    "standings.changed",
    "zone.decided",
    "schedule.failed",
    "match.overridden",
    "match.override_released",
    "dispute.opened",
    "dispute.closed",
}


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/openapi.json")).json()
    return body


async def _matchday(
    client: httpx.AsyncClient, internal: dict[str, str], clock: SettableClock
) -> None:
    clock.advance(timedelta(hours=12))  # every match of the day is over
    data = f"{API}/data-provider/tournaments/{DEMO_ID}"
    assert (await client.patch(f"{data}/matches/matchday-20", headers=internal)).status_code == 200
    assert (await client.patch(f"{data}/standings", headers=internal)).status_code == 200


async def test_the_feed_lists_a_matchday_in_order_and_pages_on(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
    document: dict[str, Any],
) -> None:
    empty = (await client.get(f"{API}/events")).json()
    assert empty == {"events": [], "nextAfter": 0}
    await _matchday(client, internal, clock)
    answer = await client.get(f"{API}/events", params={"tournament": DEMO_ID, "limit": 500})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    feed = answer.json()
    events = feed["events"]
    ids = [event["id"] for event in events]
    assert ids == sorted(ids)
    assert feed["nextAfter"] == ids[-1]
    kinds = [event["type"] for event in events]
    assert kinds.count("match.finished") == 10
    # The first tables come after the round's results, with every club (none had a place).
    assert kinds[-1] == "standings.changed"
    assert len(events[-1]["data"]["moves"]) == 20
    assert {move["oldPosition"] for move in events[-1]["data"]["moves"]} == {None}
    assert {event["tournament"] for event in events} == {DEMO_ID}
    # Each body is the one its webhook documents.
    schemas = document["webhooks"]
    for event in events:
        schema = schemas[event["type"]]["post"]["requestBody"]["content"]["application/json"]
        validator = Draft202012Validator({**schema["schema"], "components": document["components"]})
        validator.validate(event)
    # Paging on: three at a time, after the second, gives the third to the fifth.
    page = (await client.get(f"{API}/events", params={"after": ids[1], "limit": 3})).json()
    assert [event["id"] for event in page["events"]] == ids[2:5]
    other = (await client.get(f"{API}/events", params={"tournament": "elsewhere"})).json()
    assert other["events"] == []


async def test_bad_feed_parameters_are_a_422_naming_them(client: httpx.AsyncClient) -> None:
    for params, field in (
        ({"after": "-1"}, "query.after"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "501"}, "query.limit"),
        ({"tournament": "../x"}, "query.tournament"),
        ({"since": "1"}, "query.since"),
    ):
        answer = await client.get(f"{API}/events", params=params)
        assert answer.status_code == 422, params
        assert [error["field"] for error in answer.json()["errors"]] == [field]


def test_every_event_type_is_a_documented_webhook(document: dict[str, Any]) -> None:
    assert set(document["webhooks"]) == EVENT_TYPES
    assert "/api/v2/events" in document["paths"]
