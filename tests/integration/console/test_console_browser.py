"""Each console page in chromium: its rows, zones and chart lines, no console error, and a
screenshot under build/screenshots/ for review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page

from entrypoints.demo_seed import DEMO_TOURNAMENT
from tests.integration.api.live import LiveApi
from tests.integration.console.conftest import (
    ADJUSTED_TEAM,
    ADJUSTMENT_REASON,
    DISPUTED_ROUND,
    FAILED_ERROR_SECRET,
    FAILED_SCHEDULE,
    HOOK_QUERY_SECRET,
    HOOK_SIGNING_SECRET,
    SCREENSHOTS,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOURNAMENT = f"/console/tournaments/{DEMO_TOURNAMENT}"


@contextmanager
def opened(browser: BrowserContext, url: str, screenshot: str) -> Iterator[Page]:
    """The page at `url`, loaded; on the way out, its screenshot is saved and it must have
    logged no error (console errors, uncaught exceptions, failed requests)."""
    page = browser.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.status == 200, url
        yield page
        page.screenshot(path=SCREENSHOTS / f"{screenshot}.png", full_page=True)
        assert errors == []
    finally:
        page.close()


def test_home_links_the_console_and_tournaments_list_the_demo(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + "/", "home") as page:
        page.get_by_role("link", name="The console").click()
        page.wait_for_url(console.url + "/console")
        rows = page.locator("table.list tbody tr")
        assert rows.count() == 1
        assert "Demo League" in rows.first.inner_text()
        assert "premier_league" in rows.first.inner_text()
        page.screenshot(path=SCREENSHOTS / "tournaments.png", full_page=True)
        # Keyboard: the first Tab reaches the skip link, which leads to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"


def test_standings_show_zones_by_colour_and_name_decisions_and_adjustments(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + TOURNAMENT + "/standings", "standings") as page:
        rows = page.locator("table.standings tbody tr")
        assert rows.count() == 20
        legend = page.locator(".legend li").all_inner_texts()
        for zone in ("champion", "champions league", "europa league", "relegation"):
            assert any(zone == text.strip() for text in legend), legend
        # Colour and name together: the zone's class and the zone's words in the row.
        first, last = rows.nth(0), rows.nth(19)
        assert re.fullmatch(r"zone-\d", first.get_attribute("class") or "")
        assert "champion" in first.locator("td.zone").inner_text()
        assert "relegation" in last.locator("td.zone").inner_text()
        colour = last.evaluate("row => getComputedStyle(row).backgroundColor")
        assert colour != first.evaluate("row => getComputedStyle(row).backgroundColor")
        # Rows level on points say what separated them, in the page's text.
        notes = page.locator(".note.decided").all_inner_texts()
        assert notes
        assert all(note.startswith(("above ", "level with ")) for note in notes)
        # Form as letters with words for screen readers; the adjustment and its reason.
        letters = "".join(first.locator("td.form [aria-hidden]").all_inner_texts())
        assert re.fullmatch(r"[WDL]{5}", letters)
        assert first.locator("td.form .sr").first.inner_text() in ("won", "drew", "lost")
        adjusted = page.locator(f'tr[data-team="{ADJUSTED_TEAM}"]')
        assert f"-3 pts: {ADJUSTMENT_REASON}" in adjusted.inner_text()
        assert ADJUSTMENT_REASON in page.locator("table.adjustments").inner_text()


def test_positions_chart_draws_every_team_and_highlights_the_chosen(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + TOURNAMENT + "/positions", "positions") as page:
        lines = page.locator("svg.positions g.team polyline")
        assert lines.count() == 20
        points = lines.first.get_attribute("points") or ""
        # Half the demo season is played: 19 matchdays, and the 20th, today's, once one of its
        # matches is over (the demo kicks off at 18:45 UTC at the latest: late in the day, some
        # are over when the league is seeded).
        today = httpx.get(f"{console.url}/api/v2/tournaments/{DEMO_TOURNAMENT}/matches/matchday-20")
        assert today.status_code == 200, today.text
        today_decided = any(m["status"] in ("finished", "awarded") for m in today.json()["matches"])
        assert len(points.split()) == 19 + today_decided
        assert page.locator("svg.positions rect.band").count() == 4
        chosen = page.locator("form.chooser input[name=team]").first
        team = chosen.get_attribute("value")
        chosen.check()
        line = page.locator(f'svg.positions g.team[data-team="{team}"]')
        assert "chosen" in (line.get_attribute("class") or "")
        assert "has-chosen" in (page.locator("svg.positions").get_attribute("class") or "")
        assert f"team={team}".replace(":", "%3A") in page.url


def test_round_shows_scores_both_time_zones_and_each_match_history(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + TOURNAMENT + "/rounds/matchday-19", "round") as page:
        rows = page.locator("table.matches > tbody > tr")
        assert rows.count() == 10
        first = rows.first
        assert "finished" in first.inner_text()
        assert re.search(r"\d+\u2013\d+", first.locator("td.score").inner_text())
        cells = first.locator("time")
        tournament_time, viewer_time = cells.nth(0).inner_text(), cells.nth(1).inner_text()
        assert tournament_time.endswith("UTC")  # the demo league plays in UTC
        assert viewer_time != tournament_time  # the browser's own zone, New York's
        first.locator("details summary").click()
        history = first.locator("table.changes tbody tr")
        assert history.count() >= 1
        assert "imported" in history.first.inner_text()


def test_disputes_show_the_open_one_first_with_both_answers(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + TOURNAMENT + "/standings", "disputes-link") as page:
        page.get_by_role("link", name="Disputes").click()
        page.wait_for_url(console.url + TOURNAMENT + "/disputes")
    with opened(browser, console.url + TOURNAMENT + "/disputes", "disputes") as page:
        assert page.locator("p.failed-count").inner_text() == "1 open dispute."
        row = page.locator('table[data-disputes="open"] tbody tr')
        assert row.count() == 1
        assert row.get_attribute("class") == "failed"
        text = row.inner_text()
        assert "disagreement" in text
        assert "fallback: finished 0\u20133" in text
        assert "stored: finished" in text
        assert "✗ open" in text
        # The round links to its page; the match is named by its teams.
        link = row.locator("td a")
        assert link.get_attribute("href") == f"{TOURNAMENT}/rounds/{DISPUTED_ROUND}"
        assert " \u2013 " in row.locator("th").inner_text()
        # Standing out: the open row's background is not the page's.
        background = row.evaluate("row => getComputedStyle(row).backgroundColor")
        assert background != page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert page.locator('table[data-disputes="closed"]').count() == 0


def test_schedules_single_out_the_failed_and_show_no_secret(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + "/console/schedules", "schedules") as page:
        failed = page.locator(f'tr[data-schedule="{FAILED_SCHEDULE}"]')
        assert failed.get_attribute("class") == "failed"
        assert "failed" in failed.inner_text()
        assert "502" in failed.locator("td.error").inner_text()
        follow_up = page.locator(f'tr[data-schedule="{FAILED_SCHEDULE}_f1"]')
        assert f"follow-up of {FAILED_SCHEDULE}" in follow_up.inner_text()
        assert page.locator("tr[data-state=pending]").count() >= 1  # today's plan
        assert FAILED_ERROR_SECRET not in page.content()


def test_webhooks_show_failing_deliveries_without_query_or_secret(
    console: LiveApi, browser: BrowserContext
) -> None:
    with opened(browser, console.url + "/console/webhooks", "webhooks") as page:
        row = page.locator("table.subscriptions tbody tr")
        assert row.count() == 1
        assert "https://hooks.example.com/bestshot" in row.inner_text()
        assert "failing" in row.inner_text()
        assert page.locator("table.deliveries tbody tr").count() == 1
        html = page.content()
        assert HOOK_QUERY_SECRET not in html
        assert HOOK_SIGNING_SECRET not in html


def test_dark_mode_and_assets_cached_for_a_year(console: LiveApi, browser: BrowserContext) -> None:
    page = browser.new_page()
    try:
        page.emulate_media(color_scheme="dark")
        page.goto(console.url + TOURNAMENT + "/standings")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 23, 27)"
        page.screenshot(path=SCREENSHOTS / "standings-dark.png", full_page=True)
        stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href") or ""
    finally:
        page.close()
    assert re.fullmatch(r"/console/static/console\.[0-9a-f]{12}\.css", stylesheet)
    answer = httpx.get(console.url + stylesheet)
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["content-type"].startswith("text/css")
