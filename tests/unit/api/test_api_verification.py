"""A fallback and verified finals through the API: the import body, the read view, the round
update's answer, a 502 when both providers are down, disputes listed and closed, alias tables.
(The providers over real HTTP: tests/integration/sources/test_verified_finals.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.memory import MemoryScheduler, MemoryStore, ScriptedSource, SettableClock
from bestshot_domain.errors import SourceUnavailable
from bestshot_domain.model import MatchStatus
from bestshot_domain.ports import ResultSource
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.settings import Settings
from tests.builders import T0, league_fixtures, observation

API = "/api/v2"
TOURNAMENTS = f"{API}/data-provider/tournaments"
ID = "liga-checked"
MATCH = "matchday-1-t1-t4"  # Team T1 - Team T4, in both providers' fixtures
ROUND = f"{TOURNAMENTS}/{ID}/matches/matchday-1"


@pytest.fixture
def backup() -> ScriptedSource:
    source = ScriptedSource("backup")
    source.publish("LIGA", league_fixtures(4, provider="backup"))
    return source


@pytest.fixture
async def service(
    settings: Settings,
    uow_factory: Any,
    clock: SettableClock,
    scripted: ScriptedSource,
    backup: ScriptedSource,
    scheduler: MemoryScheduler,
) -> AsyncIterator[Service]:
    scripted.publish("liga", league_fixtures(4))
    sources: dict[str, ResultSource] = {"scripted": scripted, "backup": backup}
    async with bootstrap(
        settings, uow_factory=uow_factory, sources=sources, scheduler=scheduler, clock=clock
    ) as wired:
        yield wired


def body(**more: Any) -> dict[str, Any]:
    return {
        "provider": "scripted",
        "reference": "liga",
        "label": "Liga Checked",
        "rules": "premier_league",
        "fallback": {"provider": "backup", "reference": "LIGA"},
        "verify": "agree",
        **more,
    }


@pytest.fixture
async def checked(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    response = await client.post(TOURNAMENTS, json=body(), headers=admin)
    assert response.status_code == 200, response.text
    imported: dict[str, Any] = response.json()
    return imported


async def test_the_fallback_and_verify_mode_are_imported_and_shown(
    client: httpx.AsyncClient, checked: dict[str, Any]
) -> None:
    assert checked["tournament"]["fallback"] == {"provider": "backup", "reference": "LIGA"}
    public = (await client.get(f"{API}/tournaments/{ID}")).json()
    assert (public["fallback"], public["verify"]) == ({"provider": "backup"}, "agree")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fallback": {"provider": "scripted", "reference": "x"}}, None),  # not another
        ({"fallback": None}, None),  # agree needs one
        ({"fallback": {"provider": "nobody", "reference": "x"}}, "body.fallback.provider"),
        ({"fallback": {"provider": "backup", "reference": " "}}, "body.fallback.reference"),
        ({"verify": "sometimes"}, "body.verify"),
    ],
)
async def test_a_bad_fallback_or_verify_mode_is_a_422_and_imports_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    store: MemoryStore,
    change: dict[str, Any],
    field: str | None,
) -> None:
    response = await client.post(TOURNAMENTS, json=body(**change), headers=admin)
    assert response.status_code == 422, response.text
    if field is not None:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert store.tournaments == {}


async def test_both_providers_down_is_a_502_and_nothing_is_written(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    checked: dict[str, Any],
    scripted: ScriptedSource,
    backup: ScriptedSource,
    store: MemoryStore,
) -> None:
    commits = store.commits
    scripted.fail(SourceUnavailable("scripted", "HTTP 503"))
    backup.fail(SourceUnavailable("backup", "HTTP 503"))
    response = await client.patch(ROUND, headers=internal)
    assert response.status_code == 502, response.text
    assert "fallback failed too" in response.json()["detail"]
    assert store.commits == commits


async def test_a_disagreement_is_listed_and_an_admin_closes_it(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    checked: dict[str, Any],
    scripted: ScriptedSource,
    backup: ScriptedSource,
) -> None:
    scripted.report("liga", observation(MATCH, MatchStatus.FINISHED, (2, 0), kickoff=T0))
    backup.report("LIGA", observation(MATCH, MatchStatus.FINISHED, (2, 1), kickoff=T0))
    update = (await client.patch(ROUND, headers=internal)).json()
    assert (update["answered"], update["held"]) == (["scripted", "backup"], [f"scripted:{MATCH}"])
    [opened] = update["disputesOpened"]

    listed = await client.get(f"{API}/tournaments/{ID}/disputes")
    assert listed.status_code == 200
    [dispute] = listed.json()["disputes"]
    assert (dispute["id"], dispute["open"], dispute["kind"]) == (opened, True, "disagreement")
    assert [a["score"] for a in dispute["answers"]] == [
        {"home": 2, "away": 0},
        {"home": 2, "away": 1},
    ]

    close = f"{TOURNAMENTS}/{ID}/disputes/{opened}/close"
    assert (await client.post(close, json={"reason": "report"})).status_code == 401
    assert (await client.post(close, json={"reason": " "}, headers=admin)).status_code == 422
    bad_id = await client.post(
        f"{TOURNAMENTS}/{ID}/disputes/NOT-AN-ID/close", json={"reason": "x"}, headers=admin
    )
    assert bad_id.status_code == 422
    unknown = f"{TOURNAMENTS}/{ID}/disputes/{'0' * 16}/close"
    assert (await client.post(unknown, json={"reason": "x"}, headers=admin)).status_code == 404
    closed = await client.post(close, json={"reason": "the report says 2-0"}, headers=admin)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["closedBy"], closed.json()["reason"]) == ("admin", "the report says 2-0")
    [after] = (await client.get(f"{API}/tournaments/{ID}/disputes")).json()["disputes"]
    assert after["open"] is False
    assert (await client.get(f"{API}/tournaments/no-such/disputes")).status_code == 404


async def test_an_admin_keeps_the_alias_table(
    client: httpx.AsyncClient, admin: dict[str, str], checked: dict[str, Any]
) -> None:
    path = f"{TOURNAMENTS}/{ID}/aliases"
    assert (await client.get(path)).status_code == 401
    assert (await client.get(path, headers=admin)).json() == {"tournament": ID, "aliases": {}}
    table = {"Man Utd": "Manchester United"}
    saved = await client.put(path, json={"aliases": table}, headers=admin)
    assert saved.status_code == 200, saved.text
    assert (await client.get(path, headers=admin)).json()["aliases"] == table
    for refused in ({"Chelsea FC": "Chelsea"}, {"Man Utd": "", "x": "y"}, {"...": "x"}):
        response = await client.put(path, json={"aliases": refused}, headers=admin)
        assert response.status_code == 422, (refused, response.text)
    assert (await client.get(path, headers=admin)).json()["aliases"] == table
    missing = await client.put(f"{TOURNAMENTS}/nope/aliases", json={"aliases": {}}, headers=admin)
    assert missing.status_code == 404
