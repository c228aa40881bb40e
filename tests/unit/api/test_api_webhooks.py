"""The webhook admin API: subscriptions, the secret shown once, the delivery log and replay,
with the service's own dispatcher delivering a matchday to a receiver on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from adapters.memory import SettableClock
from entrypoints.bootstrap import Service
from tests.integration.webhooks.receiver import Receiver, running_receiver
from tests.unit.api.conftest import DEMO_ID

HOOKS = "/api/v2/data-provider/webhooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


async def _create(
    client: httpx.AsyncClient, admin: dict[str, str], url: str, **fields: object
) -> httpx.Response:
    body = {"url": url, "eventTypes": ["match.finished", "standings.changed"], **fields}
    return await client.post(HOOKS, json=body, headers=admin)


async def test_the_secret_is_shown_once_and_a_deleted_webhook_is_gone(
    client: httpx.AsyncClient, admin: dict[str, str], receiver: Receiver
) -> None:
    created = await _create(client, admin, receiver.url, tournament=DEMO_ID)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    secret = body.pop("secret")
    assert secret.startswith("whsec_")
    assert body["state"] == "active"
    assert body["tournament"] == DEMO_ID
    assert body["eventTypes"] == ["match.finished", "standings.changed"]
    one = await client.get(f"{HOOKS}/{body['id']}", headers=admin)
    assert one.json() == body
    listed = await client.get(HOOKS, headers=admin)
    assert listed.json() == {"webhooks": [body]}
    assert secret not in listed.text + one.text
    assert (await client.delete(f"{HOOKS}/{body['id']}", headers=admin)).status_code == 204
    gone = await client.get(f"{HOOKS}/{body['id']}", headers=admin)
    assert gone.status_code == 404
    assert (await client.get(HOOKS, headers=admin)).json() == {"webhooks": []}
    again = await client.delete(f"{HOOKS}/{body['id']}", headers=admin)
    assert again.status_code == 404


async def test_only_an_admin_manages_webhooks(
    client: httpx.AsyncClient, internal: dict[str, str], receiver: Receiver
) -> None:
    some_id = uuid.uuid4()
    for method, path in (
        ("POST", HOOKS),
        ("GET", HOOKS),
        ("GET", f"{HOOKS}/{some_id}"),
        ("DELETE", f"{HOOKS}/{some_id}"),
        ("GET", f"{HOOKS}/{some_id}/deliveries"),
        ("POST", f"{HOOKS}/{some_id}/replay?after=0"),
    ):
        anonymous = await client.request(method, path, json={"url": receiver.url})
        assert anonymous.status_code == 401, (method, path)
        wrong = await client.request(method, path, headers=internal)
        assert wrong.status_code in (401, 403), (method, path)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://10.0.0.7/hooks", "non-public address"),
        ("http://169.254.169.254/latest", "non-public address"),
        ("ftp://hooks.example/in", "must be https or http with a host"),
        ("https://user:pw@hooks.example/in", "no credentials"),
        ("https://no-such-host.invalid/in", "does not resolve"),
        ("https://" + "0" * 300 + "/in", "does not resolve"),  # a label IDNA refuses
        ("https://hooks.example:99999/in", "port must be a number"),
    ],
)
async def test_a_url_the_guard_refuses_is_a_422_saying_why(
    client: httpx.AsyncClient, admin: dict[str, str], url: str, why: str
) -> None:
    answer = await _create(client, admin, url)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    (error,) = answer.json()["errors"]
    assert error["field"] == "body.url"
    assert why in error["message"]
    assert "pw" not in answer.text
    assert (await client.get(HOOKS, headers=admin)).json() == {"webhooks": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"eventTypes": ["match.finished"]}, "body.url"),
        ({"url": "http://127.0.0.1/", "eventTypes": []}, "body.eventTypes"),
        ({"url": "http://127.0.0.1/", "eventTypes": ["match.started"]}, "body.eventTypes.0"),
        (
            {"url": "http://127.0.0.1/", "eventTypes": ["zone.decided", "zone.decided"]},
            "body.eventTypes",
        ),
        (
            {"url": "http://127.0.0.1/", "eventTypes": ["zone.decided"], "tournament": "A B"},
            "body.tournament",
        ),
    ],
)
async def test_a_bad_body_names_its_field(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    answer = await client.post(HOOKS, json=body, headers=admin)
    assert answer.status_code == 422
    assert field in [error["field"] for error in answer.json()["errors"]]


async def test_bad_ids_and_queries_are_422_and_unknown_ids_404(
    client: httpx.AsyncClient, admin: dict[str, str], receiver: Receiver
) -> None:
    assert (await client.get(f"{HOOKS}/not-a-uuid", headers=admin)).status_code == 422
    created = (await _create(client, admin, receiver.url)).json()
    replay = f"{HOOKS}/{created['id']}/replay"
    for params in ({}, {"after": "-1"}, {"after": "soon"}, {"after": "0", "extra": "1"}):
        answer = await client.post(replay, params=params, headers=admin)
        assert answer.status_code == 422, params
    unknown = f"{HOOKS}/{uuid.uuid4()}"
    assert (await client.post(f"{unknown}/replay?after=0", headers=admin)).status_code == 404
    assert (await client.get(f"{unknown}/deliveries", headers=admin)).status_code == 404


async def test_a_matchday_is_delivered_logged_and_replayed(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
    service: Service,
    receiver: Receiver,
) -> None:
    created = (await _create(client, admin, receiver.url, tournament=DEMO_ID)).json()
    receiver.secret = created["secret"]
    clock.advance(timedelta(hours=12))
    data = f"/api/v2/data-provider/tournaments/{DEMO_ID}"
    assert (await client.patch(f"{data}/matches/matchday-20", headers=internal)).status_code == 200
    assert (await client.patch(f"{data}/standings", headers=internal)).status_code == 200
    feed = (await client.get("/api/v2/events", params={"limit": 500})).json()["events"]
    wanted = [e for e in feed if e["type"] in ("match.finished", "standings.changed")]
    dispatcher = service.dispatcher()
    try:
        while await dispatcher.run_once():
            pass
        assert [body for _, body in receiver.received] == wanted
        assert receiver.bad_signatures == 0
        log = (await client.get(f"{HOOKS}/{created['id']}/deliveries", headers=admin)).json()
        assert [d["eventId"] for d in log["deliveries"]] == [e["id"] for e in wanted][::-1]
        assert {(d["attempt"], d["status"], d["error"]) for d in log["deliveries"]} == {
            (1, 204, None)
        }
        assert all(d["latencyMs"] >= 0 for d in log["deliveries"])
        # A replay from the last but one delivers the last again, with the same webhook-id.
        after = wanted[-2]["id"]
        replayed = await client.post(
            f"{HOOKS}/{created['id']}/replay", params={"after": after}, headers=admin
        )
        assert replayed.status_code == 200
        assert replayed.json()["lastEventId"] == after
        while await dispatcher.run_once():
            pass
    finally:
        await dispatcher.aclose()
    assert receiver.received[-1] == receiver.received[len(wanted) - 1]
    assert len(receiver.received) == len(wanted) + 1
