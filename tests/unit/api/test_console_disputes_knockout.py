"""The console's disputes page and knockout bracket over the in-memory wiring: what they show of
the read path's answer (the same queries as `GET .../disputes` and `GET .../knockout`)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.providers import build_source
from bestshot_domain import services
from bestshot_domain.model import MatchStatus, Score
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.verification import Answer, Dispute, DisputeKind, dispute_id
from entrypoints.bootstrap import Service
from entrypoints.settings import Settings
from tests.source_configs import one
from tests.unit.api.conftest import DEMO_ID, NOW, client_of

API = "/api/v2"
PAGES = f"/console/tournaments/{DEMO_ID}"
DASH = "\u2013"  # between two teams, or a score's goals
ROOT = Path(__file__).resolve().parents[3]
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"
CHAMPIONS_LEAGUE = ROOT / "tests" / "data" / "standings" / "uefa.cl-2016-17.json"


async def _page(client: httpx.AsyncClient, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


async def _open_dispute(
    uow_factory: UnitOfWorkFactory, round_slug: str, match: str, kind: DisputeKind
) -> Dispute:
    """A dispute as verification opens it: the stored final against the provider's new one."""
    dispute = Dispute(
        dispute_id(DEMO_ID, match, NOW),
        DEMO_ID,
        round_slug,
        match,
        kind,
        (
            Answer("stored", MatchStatus.FINISHED, Score(2, 1)),
            Answer("demo", MatchStatus.FINISHED, Score(1, 1), Score(4, 3)),
        ),
        NOW,
    )
    async with uow_factory() as uow:
        await uow.verification.save_disputes([dispute])
        await uow.commit()
    return dispute


def _row(page: str, dispute: str) -> str:
    return page.split(f'data-dispute="{dispute}"', 1)[1].split("</tr>", 1)[0]


async def test_disputes_open_first_then_closed_as_the_json_lists_them(
    client: httpx.AsyncClient, service: Service, demo_league: str
) -> None:
    empty = await _page(client, f"{PAGES}/disputes")
    assert "No open dispute." in empty
    assert empty.count("<p>None.</p>") == 2
    assert f'href="{PAGES}/disputes" aria-current="page"' in empty
    assert f'href="{PAGES}/disputes"' in await _page(client, f"{PAGES}/standings")

    matches = (await client.get(f"{API}/tournaments/{DEMO_ID}/matches/matchday-3")).json()
    first, second = matches["matches"][:2]
    closed = await _open_dispute(
        service.uow_factory, "matchday-3", first["key"], DisputeKind.CHANGED_FINAL
    )
    opened = await _open_dispute(
        service.uow_factory, "matchday-3", second["key"], DisputeKind.DISAGREEMENT
    )
    await service.use_cases.close_dispute(DEMO_ID, closed.id, "the report says <b>2-1</b>")

    listed = (await client.get(f"{API}/tournaments/{DEMO_ID}/disputes")).json()["disputes"]
    assert {d["id"]: d["open"] for d in listed} == {opened.id: True, closed.id: False}
    page = await _page(client, f"{PAGES}/disputes")
    assert "1 open dispute." in page
    # Open ones first, standing out; then the closed, with who closed them and why (escaped).
    assert page.index(f'data-dispute="{opened.id}"') < page.index(f'data-dispute="{closed.id}"')
    assert page.index('data-disputes="open"') < page.index(f'data-dispute="{opened.id}"')
    assert page.index('data-disputes="closed"') < page.index(f'data-dispute="{closed.id}"')
    open_row, closed_row = _row(page, opened.id), _row(page, closed.id)
    assert f'<tr class="failed" data-dispute="{opened.id}">' in page
    assert f'<tr data-dispute="{closed.id}">' in page
    assert "✗ open" in open_row
    assert f"{second['home']['name']} {DASH} {second['away']['name']}" in open_row
    assert f"{first['home']['name']} {DASH} {first['away']['name']}" in closed_row
    assert f'href="{PAGES}/rounds/matchday-3">Matchday 3</a>' in open_row
    assert "disagreement" in open_row
    assert "changed final" in closed_row
    assert f"<strong>stored</strong>: finished 2{DASH}1" in open_row
    assert f"<strong>demo</strong>: finished 1{DASH}1 (4{DASH}3 on penalties)" in open_row
    assert "by an admin: " in closed_row
    assert "the report says &lt;b&gt;2-1&lt;/b&gt;" in closed_row
    assert "✗ open" not in closed_row
    assert re.search(r"\d{2}:\d{2} UTC</time>", open_row)


async def test_disputes_of_an_unknown_tournament_are_a_404_page(client: httpx.AsyncClient) -> None:
    assert "Not found" in await _page(client, "/console/tournaments/nowhere/disputes", 404)
    assert "Not found" in await _page(client, "/console/tournaments/No%20Slug/disputes", 404)


async def test_a_league_has_no_bracket_section(
    client: httpx.AsyncClient, internal: dict[str, str], demo_league: str
) -> None:
    patched = await client.patch(
        f"{API}/data-provider/tournaments/{DEMO_ID}/standings", headers=internal
    )
    assert patched.status_code == 200, patched.text
    assert (await client.get(f"{API}/tournaments/{DEMO_ID}/knockout")).json()["knockout"] == []
    page = await _page(client, f"{PAGES}/standings")
    assert 'class="standings"' in page
    assert "Knockout" not in page
    assert 'class="bracket"' not in page


Imported = tuple[httpx.AsyncClient, str]


@asynccontextmanager
async def imported(settings: Settings, path: Path, rules: str) -> AsyncIterator[Imported]:
    """The file imported through the openfootball source, its tables computed; a client of the
    app over it, and the tournament's id."""
    clock = SettableClock(NOW)
    source = build_source("openfootball", one("openfootball", trusted=True), clock=clock)
    uow_factory = MemoryUnitOfWorkFactory(MemoryStore())
    try:
        summary = await services.import_tournament(
            "openfootball",
            str(path),
            "Knockout",
            rules,
            uow_factory=uow_factory,
            sources={"openfootball": source},
            clock=clock,
        )
    finally:
        await source.aclose()
    tournament = summary.tournament.id
    await services.update_standings(tournament, uow_factory=uow_factory, clock=clock)
    async with client_of(settings, uow_factory=uow_factory, clock=clock) as client:
        yield client, tournament


def _bracket(page: str) -> str:
    return page.split('<section aria-labelledby="knockout-title"', 1)[1].split("</section>", 1)[0]


async def test_the_bracket_shows_what_the_json_knockout_answers(settings: Settings) -> None:
    async with imported(settings, WORLD_CUP, "fifa_world_cup") as (client, tournament):
        knockout = (await client.get(f"{API}/tournaments/{tournament}/knockout")).json()
        page = await _page(client, f"/console/tournaments/{tournament}/standings")
    names = knockout["names"]
    bracket = _bracket(page)
    # The group tables are still there, the bracket after them.
    assert page.index('class="standings"') < page.index('id="knockout-title"')

    # The rounds in order, each with its ties.
    stages = re.findall(r'<h3 id="stage-\d+">([^<]+)</h3>', bracket)
    assert stages == [stage["round"] for stage in knockout["knockout"]]
    assert stages[0] == "Round of 16"
    assert stages[-1] == "Final"
    ties = [tie for stage in knockout["knockout"] for tie in stage["ties"]]
    shown_ties = bracket.split('<li class="tie ')[1:]
    assert len(shown_ties) == len(ties) == 16
    for tie, shown in zip(ties, shown_ties, strict=True):
        assert shown.startswith('decided" data-status="decided"')
        home, away = tie["teams"]
        assert shown.index(f'data-team="{home}"') < shown.index(f'data-team="{away}"')
        for team, goals in zip(tie["teams"], tie["aggregate"], strict=True):
            side = shown.split(f'data-team="{team}"', 1)[1].split("</li>", 1)[0]
            assert f'<span class="name">{names[team]}</span>' in side
            assert f'<span class="goals">{goals}</span>' in side
            # The winner is marked in words, not only by its weight.
            assert ("✓ winner" in side) == (team == tie["winner"])
    # How each tie was decided, in words.
    for decided_by, words in (("penalties", "on penalties"), ("score", "on the score")):
        count = sum(tie["decidedBy"] == decided_by for tie in ties)
        assert count > 0
        assert bracket.count(f"won {words}") == count
    assert bracket.count("one match:") == 16
    champion = next(team for team, reached in knockout["progress"].items() if reached == "champion")
    assert names[champion] == "France"
    assert f'Champion: <strong data-team="{champion}">France</strong>' in bracket


async def test_an_open_tie_is_shown_open_and_no_champion_yet(
    settings: Settings, tmp_path: Path
) -> None:
    data = json.loads(CHAMPIONS_LEAGUE.read_text())
    # The season before the last round-of-16 second leg was played.
    matches = [m for m in data["matches"] if m["round"] == "Round of 16" or "group" in m]
    last = max(
        (m for m in matches if m["round"] == "Round of 16"), key=lambda m: (m["date"], m["time"])
    )
    del last["score"]
    copy = tmp_path / "cl.json"
    copy.write_text(json.dumps({**data, "matches": matches}))
    async with imported(settings, copy, "uefa_champions_league") as (client, tournament):
        knockout = (await client.get(f"{API}/tournaments/{tournament}/knockout")).json()
        page = await _page(client, f"/console/tournaments/{tournament}/standings")
    bracket = _bracket(page)
    (stage,) = knockout["knockout"]
    assert re.findall(r'<h3 id="stage-\d+">([^<]+)</h3>', bracket) == ["Round of 16"]
    assert "No champion yet." in bracket
    assert "Champion:" not in bracket
    (shown_open,) = [t for t in bracket.split('<li class="tie ')[1:] if t.startswith("open")]
    (open_tie,) = [tie for tie in stage["ties"] if tie["status"] == "open"]
    for team in open_tie["teams"]:
        assert f'data-team="{team}"' in shown_open
    assert "<strong>open</strong>, a leg still to be played" in shown_open
    assert '<span class="goals">' not in shown_open
    assert "✓ winner" not in shown_open
    assert bracket.count("✓ winner") == 7
    # Two legs: the aggregate in words.
    decided = [tie for tie in stage["ties"] if tie["status"] == "decided"]
    for tie in decided:
        assert f"2 legs, aggregate {tie['aggregate'][0]}{DASH}{tie['aggregate'][1]}:" in bracket
