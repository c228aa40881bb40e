"""The endpoints under /api/v2 doing their jobs: import, schedule, update, recompute, read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from adapters.memory import MemoryScheduler, ScriptedSource, SettableClock
from bestshot_domain.errors import SourceBlocked, SourceFormatError, SourceUnavailable
from bestshot_domain.model import MatchStatus
from tests.builders import league_fixtures, observation
from tests.unit.api.conftest import DEMO_ID, NOW

API = "/api/v2"
DATA = f"{API}/data-provider"


async def _get(client: httpx.AsyncClient, path: str, **kwargs: Any) -> Any:
    response = await client.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


async def test_importing_again_changes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    demo_import: dict[str, str],
) -> None:
    again = await client.post(f"{DATA}/tournaments", json=demo_import, headers=admin)
    assert again.status_code == 200
    body = again.json()
    assert body["changed"] is False
    assert body["matches"]["created"] == 0
    assert body["matches"]["unchanged"] == 380
    assert body["changes"] == 0


async def test_the_imported_league_reads_back(client: httpx.AsyncClient, demo_league: str) -> None:
    listed = await _get(client, f"{API}/tournaments")
    assert [t["id"] for t in listed["tournaments"]] == [DEMO_ID]
    tournament = await _get(client, f"{API}/tournaments/{DEMO_ID}")
    assert tournament["provider"] == "demo"
    assert tournament["timezone"] == "Europe/London"
    rounds = await _get(client, f"{API}/tournaments/{DEMO_ID}/rounds")
    assert len(rounds["rounds"]) == 38
    assert [r["order"] for r in rounds["rounds"]] == sorted(r["order"] for r in rounds["rounds"])
    matchday = await _get(client, f"{API}/tournaments/{DEMO_ID}/matches/matchday-20")
    assert matchday["round"]["slug"] == "matchday-20"
    assert len(matchday["matches"]) == 10
    first = matchday["matches"][0]
    assert first["home"]["name"]
    assert first["away"]["name"]
    assert first["status"] == "scheduled"
    assert first["score"] is None
    kickoffs = [m["kickoff"] for m in matchday["matches"]]
    assert kickoffs == sorted(kickoffs)


async def test_the_day_gets_one_schedule_per_round_and_a_rerun_changes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    scheduler: MemoryScheduler,
) -> None:
    planned = await client.post(f"{DATA}/scheduler?dryRun=true", headers=admin)
    assert planned.status_code == 200
    assert planned.json()["dryRun"] is True
    assert {s["status"] for s in planned.json()["schedules"]} == {"planned"}
    assert await scheduler.list() == []  # a dry run creates nothing

    created = await client.post(f"{DATA}/scheduler", headers=admin)
    body = created.json()
    assert body["day"] == NOW.date().isoformat()
    schedules = body["schedules"]
    assert [s["round"] for s in schedules] == ["matchday-20"]
    schedule = schedules[0]
    assert schedule["status"] == "created"
    assert schedule["tournament"] == DEMO_ID
    assert schedule["expression"].startswith("at(")
    assert schedule["target"] == {
        "roundUrl": f"https://api.bestshot.test{DATA}/tournaments/{DEMO_ID}/matches/matchday-20",
        "standingsUrl": f"https://api.bestshot.test{DATA}/tournaments/{DEMO_ID}/standings",
        "targetEnv": "demo",
    }
    assert [s.name for s in await scheduler.list()] == [schedule["name"]]

    again = await client.post(f"{DATA}/scheduler", headers=admin)
    assert [s["status"] for s in again.json()["schedules"]] == ["unchanged"]
    assert [s["name"] for s in again.json()["schedules"]] == [schedule["name"]]


async def test_another_day_can_be_asked_for(
    client: httpx.AsyncClient, admin: dict[str, str], demo_league: str
) -> None:
    next_week = (NOW + timedelta(days=7)).date().isoformat()
    response = await client.post(f"{DATA}/scheduler?date={next_week}&dryRun=true", headers=admin)
    assert response.status_code == 200
    assert response.json()["day"] == next_week
    assert [s["round"] for s in response.json()["schedules"]] == ["matchday-21"]


async def test_a_fired_schedule_updates_the_round_then_the_table(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    round_path = f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20"
    table_path = f"{API}/tournaments/{DEMO_ID}/standings"
    before = await _get(client, table_path)
    assert before["computedAt"] is None
    assert before["tables"] == []

    clock.advance(timedelta(hours=4))  # the first wave is over, the last under way
    halfway = (await client.patch(round_path, headers=internal)).json()
    assert halfway["overdue"]
    assert set(halfway["overdue"]) <= set(halfway["awaiting"])

    clock.advance(timedelta(hours=8))  # every match of the day is over
    update = await client.patch(round_path, headers=internal)
    assert update.status_code == 200
    summary = update.json()
    assert len(set(halfway["updated"]) | set(summary["updated"])) == 10
    assert summary["written"] == len(summary["updated"])
    assert summary["awaiting"] == []
    assert summary["overdue"] == []
    assert update.headers["cache-control"] == "no-store"

    again = await client.patch(round_path, headers=internal)
    assert len(again.json()["unchanged"]) == 10
    assert again.json()["written"] == 0

    recomputed = await client.patch(f"{DATA}/tournaments/{DEMO_ID}/standings", headers=internal)
    assert recomputed.status_code == 200
    tables = recomputed.json()["tables"]
    assert len(tables) == 1
    rows = tables[0]["rows"]
    assert [row["position"] for row in rows] == list(range(1, 21))
    assert {row["played"] for row in rows} == {20}  # matchdays 1-20
    assert rows[0]["zone"] in {"champion", "champions_league"}

    after = await _get(client, table_path)
    assert after["tables"] == tables
    # A league has no knockout rounds: its bracket is empty, computed with the tables.
    bracket = await _get(client, f"{API}/tournaments/{DEMO_ID}/knockout")
    assert (bracket["computedAt"], bracket["knockout"], bracket["progress"]) == (
        after["computedAt"],
        [],
        {},
    )
    matchday = await _get(client, f"{API}/tournaments/{DEMO_ID}/matches/matchday-20")
    assert {m["status"] for m in matchday["matches"]} == {MatchStatus.FINISHED.value}
    assert all(m["score"] is not None for m in matchday["matches"])


async def test_public_reads_answer_if_none_match_with_304(
    client: httpx.AsyncClient, internal: dict[str, str], demo_league: str, clock: SettableClock
) -> None:
    path = f"{API}/tournaments/{DEMO_ID}/matches/matchday-20"
    first = await client.get(path)
    tag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    unchanged = await client.get(path, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == tag
    weak = await client.get(path, headers={"If-None-Match": f'"other", W/{tag}'})
    assert weak.status_code == 304
    assert (await client.get(path, headers={"If-None-Match": '"other"'})).status_code == 200

    clock.advance(timedelta(hours=12))
    await client.patch(f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20", headers=internal)
    changed = await client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


async def _scripted_league(
    client: httpx.AsyncClient, admin: dict[str, str], scripted: ScriptedSource
) -> str:
    scripted.publish("liga", league_fixtures(4, start=NOW + timedelta(hours=3)))
    response = await client.post(
        f"{DATA}/tournaments",
        json={
            "provider": "scripted",
            "reference": "liga",
            "label": "Liga",
            "rules": "premier_league",
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    tournament_id: str = response.json()["tournament"]["id"]
    return tournament_id


async def test_a_failing_provider_is_502_and_nothing_is_written(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    scripted: ScriptedSource,
) -> None:
    liga = await _scripted_league(client, admin, scripted)
    path = f"{API}/tournaments/{liga}/matches/matchday-1"
    before = await _get(client, path)
    first = before["matches"][0]["key"].split(":", 1)[1]
    scripted.report("liga", observation(first, MatchStatus.FINISHED, (2, 1)))
    for error in (
        SourceUnavailable("scripted", "HTTP 503 after 3 tries"),
        SourceBlocked("scripted", "HTTP 403"),
        SourceFormatError("scripted", "events[0].status", "unknown status"),
    ):
        scripted.fail(error)
        response = await client.patch(
            f"{DATA}/tournaments/{liga}/matches/matchday-1", headers=internal
        )
        assert response.status_code == 502
        assert response.headers["content-type"] == "application/problem+json"
        assert "scripted" in response.json()["detail"]
        assert await _get(client, path) == before

    scripted.fail(None)
    response = await client.patch(f"{DATA}/tournaments/{liga}/matches/matchday-1", headers=internal)
    assert response.json()["updated"] == [f"scripted:{first}"]


async def test_unknown_tournaments_and_rounds_are_404_everywhere(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
) -> None:
    for method, path, headers in (
        ("GET", f"{API}/tournaments/nope", {}),
        ("GET", f"{API}/tournaments/nope/rounds", {}),
        ("GET", f"{API}/tournaments/nope/standings", {}),
        ("GET", f"{API}/tournaments/nope/knockout", {}),
        ("GET", f"{API}/tournaments/nope/matches/matchday-1", {}),
        ("GET", f"{API}/tournaments/{DEMO_ID}/matches/matchday-99", {}),
        ("PATCH", f"{DATA}/tournaments/nope/matches/matchday-1", internal),
        ("PATCH", f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-99", internal),
        ("PATCH", f"{DATA}/tournaments/nope/standings", internal),
    ):
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_an_import_of_an_unknown_provider_or_preset_is_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for field, value in (
        ("provider", "nowhere"),
        ("rules", "no_such_rules"),
        ("timezone", "Mars/Olympus"),
    ):
        payload = {"provider": "demo", "reference": "7", "label": "X", "rules": "premier_league"}
        payload[field] = value
        response = await client.post(f"{DATA}/tournaments", json=payload, headers=admin)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
