"""The console's pages over the in-memory wiring (httpx's ASGI transport): what each page
shows of the read path's answer, its errors, and what it must never show. The same pages in a
real browser: tests/integration/console."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from adapters.memory import SettableClock
from bestshot_domain.events import EventType
from entrypoints.api.queries import shown_url
from entrypoints.bootstrap import Service
from tests.unit.api.conftest import DEMO_ID

API = "/api/v2"
DATA = f"{API}/data-provider"
PAGES = f"/console/tournaments/{DEMO_ID}"


async def _page(client: httpx.AsyncClient, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return response.text


async def test_home_and_an_empty_console(client: httpx.AsyncClient) -> None:
    home = await _page(client, "/")
    assert 'href="/console"' in home
    empty = await _page(client, "/console")
    assert "No tournament yet" in empty


async def test_what_does_not_exist_is_a_404_page(
    client: httpx.AsyncClient, demo_league: str
) -> None:
    for path in (
        "/console/tournaments/nowhere/standings",
        "/console/tournaments/nowhere/positions",
        "/console/tournaments/nowhere/rounds",
        "/console/tournaments/Not%20A%20Slug/standings",
        f"{PAGES}/rounds/matchday-99",
    ):
        assert "Not found" in await _page(client, path, 404)
    missing = await client.get("/console/static/console.0123456789ab.css")
    assert missing.status_code == 404


async def test_a_tournament_leads_to_its_standings(
    client: httpx.AsyncClient, demo_league: str
) -> None:
    response = await client.get(PAGES)
    assert response.status_code == 307
    assert response.headers["location"] == f"{PAGES}/standings"


async def test_before_any_computation_the_pages_say_so(
    client: httpx.AsyncClient, demo_league: str
) -> None:
    assert "No table yet" in await _page(client, f"{PAGES}/standings")
    listed = await _page(client, "/console")
    assert "never computed" in listed
    assert "none pending" in listed


async def test_the_standings_page_shows_what_the_json_answers(
    client: httpx.AsyncClient, internal: dict[str, str], admin: dict[str, str], demo_league: str
) -> None:
    adjusted = await client.put(
        f"{DATA}/tournaments/{DEMO_ID}/adjustments/demo:t05",
        json={"points": -9, "reason": "insolvency <b>event</b>"},
        headers=admin,
    )
    assert adjusted.status_code == 200, adjusted.text
    table = (await client.get(f"{API}/tournaments/{DEMO_ID}/standings")).json()["tables"][0]
    page = await _page(client, f"{PAGES}/standings")
    names = re.findall(r'<th scope="row" class="team">([^<\n]+)', page)
    assert names == [row["name"] for row in table["rows"]]
    for row in table["rows"]:
        line = page.split(f'data-team="{row["team"]}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="num points">{row["points"]}</td>' in line
        if row["zone"]:
            assert f'<span class="zone-name">{row["zone"].replace("_", " ")}</span>' in line
    # The reason is text, escaped; the legend names every zone.
    assert "-9 pts: insolvency &lt;b&gt;event&lt;/b&gt;" in page
    for zone in ("champion", "champions league", "relegation"):
        assert f"</span> {zone}</li>" in page


async def test_clinched_and_eliminated_marks_once_the_season_is_over(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    rounds = (await client.get(f"{API}/tournaments/{DEMO_ID}/rounds")).json()["rounds"]
    clock.advance(timedelta(days=200))

    async def play(slugs: list[str]) -> str:
        for slug in slugs:
            path = f"{DATA}/tournaments/{DEMO_ID}/matches/{slug}"
            assert (await client.patch(path, headers=internal)).status_code == 200
        await client.patch(f"{DATA}/tournaments/{DEMO_ID}/standings", headers=internal)
        return await _page(client, f"{PAGES}/standings")

    # Four rounds before the end, some teams can no longer reach some zones: marked so.
    late = await play([r["slug"] for r in rounds[19:34]])
    table = (await client.get(f"{API}/tournaments/{DEMO_ID}/standings")).json()["tables"][0]
    out = [row for row in table["rows"] if "eliminated" in row["zones"].values()]
    assert out
    assert late.count("✗ out of ") == len(out)
    # Once every zone is decided, only what was clinched is marked.
    page = await play([r["slug"] for r in rounds[34:]])
    assert "✓ clinched champion, champions league" in page
    assert page.count("✓ clinched") >= 4
    assert "✗ out of " not in page
    positions = await _page(client, f"{PAGES}/positions")
    assert positions.count("<polyline") == 20
    assert re.search(r'points="(?:[\d.]+,[\d.]+ ){37}[\d.]+,[\d.]+"', positions)


async def test_positions_highlight_the_chosen_teams_without_js(
    client: httpx.AsyncClient, internal: dict[str, str], demo_league: str
) -> None:
    assert "No round has a result yet" not in await _page(client, f"{PAGES}/positions")
    page = await _page(client, f"{PAGES}/positions?team=demo:t01&team=demo:t02")
    assert 'class="positions has-chosen"' in page
    assert len(re.findall(r'class="team line-\d chosen"', page)) == 2
    assert page.count(" checked>") == 2
    plain = await _page(client, f"{PAGES}/positions")
    assert "has-chosen" not in plain
    assert page.count('<rect class="band zone-') == 3


async def test_a_round_with_live_matches_refreshes_and_shows_each_history(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    round_path = f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20"
    quiet = await _page(client, f"{PAGES}/rounds/matchday-20")
    assert "bestshot-refresh" not in quiet
    assert 'rel="prev" href="/console/tournaments/demo-league/rounds/matchday-19"' in quiet
    clock.advance(timedelta(hours=4))  # the first wave is over, the last under way
    assert (await client.patch(round_path, headers=internal)).status_code == 200
    live = await _page(client, f"{PAGES}/rounds/matchday-20")
    assert '<meta name="bestshot-refresh" content="30">' in live
    assert 'class="status live"' in live
    assert "2 changes" in live  # imported, then updated
    # The tournament's zone (Europe/London) and UTC for the viewer's (filled in by the browser).
    assert re.search(r"\d{2}:\d{2} GMT</time>", live)
    assert re.search(r"\d{2}:\d{2} UTC</time>", live)
    first = await _page(client, f"{PAGES}/rounds/matchday-1")
    assert 'rel="prev"' not in first
    last = await _page(client, f"{PAGES}/rounds/matchday-38")
    assert 'rel="next"' not in last
    listed = await _page(client, f"{PAGES}/rounds")
    assert listed.count(f'href="{PAGES}/rounds/matchday-') == 38


async def test_schedules_through_the_scheduler_port(
    client: httpx.AsyncClient, admin: dict[str, str], demo_league: str
) -> None:
    assert "None." in await _page(client, "/console/schedules")
    planned = await client.post(f"{DATA}/scheduler", headers=admin)
    assert planned.status_code == 200, planned.text
    names = [s["name"] for s in planned.json()["schedules"]]
    assert names
    page = await _page(client, "/console/schedules")
    for name in names:
        assert f'data-schedule="{name}"' in page
    assert "shows pending schedules only" in page
    assert "None failed." in page
    listed = await _page(client, "/console")
    assert "none pending" not in listed


async def test_webhooks_show_failing_deliveries_and_no_secret_nor_query(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    service: Service,
    demo_league: str,
) -> None:
    assert "No subscription." in await _page(client, "/console/webhooks")
    secret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3"
    await service.webhooks.create(
        "https://hooks.example.com:8443/in?key=abcdef0123456789",
        [EventType.STANDINGS_CHANGED],
        DEMO_ID,
        secret,
    )
    page = await _page(client, "/console/webhooks")
    assert "https://hooks.example.com:8443/in<br>" in page
    assert "abcdef0123456789" not in page
    assert secret not in page
    assert '<table class="deliveries">' not in page

    # A delivery fails: the subscription stands out, with the attempt and its error.
    await client.patch(f"{DATA}/tournaments/{DEMO_ID}/standings", headers=internal)
    store = service.webhooks
    (claimed,) = await store.claim(1, timedelta(minutes=1))
    events, _ = await store.pending(claimed, 1)
    await store.record(
        claimed,
        event_id=events[0].id,
        attempt=1,
        status=None,
        latency_ms=5000,
        error="timed out: https://hooks.example.com:8443/in?key=abcdef0123456789",
    )
    now = service.clock.now()
    await store.retry_later(claimed, now + timedelta(minutes=1), now, failing=False)
    failing = await _page(client, "/console/webhooks")
    assert '<tr class="failed"' in failing
    assert "no answer" in failing
    assert "timed out: https://hooks.example.com:8443/in?key=[redacted]" in failing
    assert "abcdef0123456789" not in failing


def test_a_webhook_url_is_shown_without_credentials() -> None:
    assert shown_url("https://u:p@[::1]:8443/a/b?x=1#f") == "https://[::1]:8443/a/b"
    assert shown_url("https://example.com/in?token=x") == "https://example.com/in"
    assert shown_url("https://example.com:99999/in?token=x") == "https://example.com:99999/in"


async def test_assets_have_hashed_names_and_long_cache(client: httpx.AsyncClient) -> None:
    home = await _page(client, "/")
    for name in re.findall(r'(?:href|src)="(/console/static/[^"]+)"', home):
        response = await client.get(name)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", name)
