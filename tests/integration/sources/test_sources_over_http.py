"""Each provider's source fetching recorded payloads from a real HTTP server on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sources.config import SourcesConfig
from adapters.sources.football_data import RETRY_AFTER_HEADERS, FootballDataSource
from adapters.sources.http import ProviderClient
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import build_source
from bestshot_domain.errors import SourceBlocked, SourceFormatError
from bestshot_domain.model import (
    Fixtures,
    Match,
    MatchState,
    MatchStatus,
    Round,
    Score,
    make_key,
)
from entrypoints.cli import main
from tests.builders import T0
from tests.integration.sources.sources_loopback import LoopbackServer, Reply
from tests.source_configs import on_loopback

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
POLICY = HttpPolicy(
    connect_timeout=2.0, read_timeout=5.0, attempts=2, backoff_initial=0.01,
    backoff_max=0.02, backoff_jitter=0.0, rate_limit=RateLimit(1000, 1.0),
)  # fmt: skip


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 22, tzinfo=UTC)


THROWAWAY = "throwaway-test-value"


def config(server: LoopbackServer, token: str | None = None) -> SourcesConfig:
    return on_loopback(server.url, POLICY, {"football_data": {"token": token}})


def stored(fixtures: Fixtures, slug: str) -> tuple[Round, list[Match]]:
    source_round = next(r for r in fixtures.rounds if r.slug == slug)
    round_ = Round("t", slug, source_round.label, source_round.order, source_round.kind,
                   source_round.reference)  # fmt: skip
    matches = [
        Match(
            "t",
            slug,
            fixtures.provider,
            m.external_id,
            make_key(fixtures.provider, m.home_external_id),
            make_key(fixtures.provider, m.away_external_id),
            MatchState(MatchStatus.SCHEDULED, m.observation.kickoff or T0),
        )
        for m in fixtures.matches
        if m.round_slug == slug
    ]
    return round_, matches


async def test_espn(server: LoopbackServer) -> None:
    path = "/apis/site/v2/sports/soccer/eng.1/scoreboard"
    server.script(
        path,
        Reply.file(
            DATA / "espn/scoreboard_soccer_all_20260321_eng1_with_STATUS_POSTPONED_excerpt.json"
        ),
    )
    source = build_source("espn", config(server), clock=FixedClock())
    try:
        fixtures = await source.fixtures("eng.1:20260321")
        round_, matches = stored(fixtures, "day-2026-03-21")
        observations = await source.round_observations("eng.1:20260321", round_, matches)
    finally:
        await source.aclose()
    assert len(fixtures.matches) == 5
    assert server.requests[0].query == {"dates": ["20260321-20260321"], "limit": ["1000"]}
    # The round is asked for with a day either side.
    assert server.requests[1].query["dates"] == ["20260320-20260322"]
    assert {o.external_id: o.status for o in observations}["740902"] is MatchStatus.POSTPONED
    assert len(observations) == 5


async def test_football_data_with_token_and_byte_order_mark(server: LoopbackServer) -> None:
    path = "/v4/competitions/DED/matches"
    body = b"\xef\xbb\xbf" + (DATA / "football_data_org/v4_CompetitionMatches.json").read_bytes()
    server.script(path, Reply(200, body, {"Content-Type": "application/json"}))
    source = build_source("football_data", config(server, THROWAWAY), clock=FixedClock())
    try:
        fixtures = await source.fixtures("DED/2024")
        round_, matches = stored(fixtures, "matchday-1")
        observations = await source.round_observations("DED/2024", round_, matches)
    finally:
        await source.aclose()
    assert len(fixtures.matches) == 9
    assert len(observations) == 9
    first, second = server.requests
    assert first.headers["X-Auth-Token"] == THROWAWAY
    assert first.query == {"season": ["2024"]}
    assert second.query == {"season": ["2024"], "stage": ["REGULAR_SEASON"], "matchday": ["1"]}


async def test_football_data_counter_reset_header_is_honoured(server: LoopbackServer) -> None:
    path = "/v4/competitions/DED/matches"
    server.script(
        path,
        Reply(429, b'{"message": "You reached your request limit."}',
              {"X-RequestCounter-Reset": "13"}),
        Reply.file(DATA / "football_data_org/v4_CompetitionMatches.json"),
    )  # fmt: skip
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    client = ProviderClient(
        "football_data", server.url, POLICY, sleep=record, retry_after_headers=RETRY_AFTER_HEADERS
    )
    source = FootballDataSource(client)
    try:
        fixtures = await source.fixtures("DED/2024")
    finally:
        await source.aclose()
    assert waits == [13.0]
    assert len(fixtures.matches) == 9


async def test_sofascore_rounds_and_knockout_slugs(server: LoopbackServer) -> None:
    base = "/unique-tournament/17/season/61627"
    rounds = {"rounds": [{"round": 4}, {"round": 5, "name": "Round of 16", "slug": "round-of-16"}]}
    postponed = json.loads((DATA / "sofascore/event_16599919_postponed.json").read_text())["event"]
    penalties = json.loads(
        (DATA / "sofascore/event_17090707_finished_AP_penalties.json").read_text()
    )["event"]
    server.script(f"{base}/rounds", Reply.json(json.dumps(rounds)))
    server.script(f"{base}/events/round/4", Reply.json(json.dumps({"events": [postponed]})))
    server.script(
        f"{base}/events/round/5/slug/round-of-16", Reply.json(json.dumps({"events": [penalties]}))
    )
    source = build_source("sofascore", config(server), clock=FixedClock())
    try:
        fixtures = await source.fixtures("17/61627")
        round_, matches = stored(fixtures, "round-of-16")
        (observation,) = await source.round_observations("17/61627", round_, matches)
    finally:
        await source.aclose()
    assert [r.slug for r in fixtures.rounds] == ["round-of-16", "matchday-4"]
    assert (observation.score, observation.shootout) == (Score(1, 1), Score(5, 4))
    assert server.hits(f"{base}/events/round/5/slug/round-of-16") == 2


async def test_sofascore_challenge_is_blocked(server: LoopbackServer) -> None:
    server.script(
        "/unique-tournament/17/season/61627/rounds",
        Reply.json('{"error": {"code": 403, "reason": "challenge"}}', status=403),
    )
    source = build_source("sofascore", config(server), clock=FixedClock())
    try:
        with pytest.raises(SourceBlocked, match="challenge"):
            await source.fixtures("17/61627")
    finally:
        await source.aclose()
    assert len(server.requests) == 1


async def test_fbref_schedule_page(server: LoopbackServer) -> None:
    path = "/en/comps/56/schedule/Austrian-Bundesliga-Scores-and-Fixtures"
    server.script(
        path, Reply.file(DATA / "html/fbref_sched_ks_all_rows_AUT1_2019-20_legs.html", "text/html")
    )
    source = build_source("fbref", config(server), clock=FixedClock())
    try:
        fixtures = await source.fixtures(path)
        round_, matches = stored(fixtures, "finals")
        observations = await source.round_observations(path, round_, matches)
    finally:
        await source.aclose()
    assert len(fixtures.matches) == 13
    assert [o.score for o in observations] == [Score(2, 3), Score(0, 0)]
    assert server.requests[0].headers["Accept"].startswith("text/html")


async def test_a_format_error_from_the_wire_names_the_path(server: LoopbackServer) -> None:
    server.script("/v4/competitions/PL/matches", Reply.json('{"matches": [{"id": 1}]}'))
    source = build_source("football_data", config(server), clock=FixedClock())
    try:
        with pytest.raises(SourceFormatError) as raised:
            await source.fixtures("PL/2024")
    finally:
        await source.aclose()
    assert raised.value.path == "matches[0].utcDate"


def test_cli_fetch_through_the_configured_base_url(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.script(
        "/apis/site/v2/sports/soccer/fifa.world/scoreboard",
        Reply.file(
            DATA / "espn/scoreboard_fifa.world_20221218_final_STATUS_FINAL_PEN_excerpt.json"
        ),
    )
    monkeypatch.setenv("BESTSHOT_ESPN_URL", server.url)
    code = main(["source", "fetch", "espn", "fifa.world:20221218", "--round", "final", "--json"])
    assert code == 0
    (match,) = json.loads(capsys.readouterr().out)["matches"]
    assert (match["home"], match["home_score"], match["home_shootout"]) == ("Argentina", 3, 4)


def test_cli_fetch_reports_a_blocked_source_in_one_line(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.script("/en/comps/9/schedule/x", Reply(403, b"<html>Just a moment...</html>"))
    monkeypatch.setenv("BESTSHOT_FBREF_URL", server.url)
    code = main(["source", "fetch", "fbref", "/en/comps/9/schedule/x"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "fbref: HTTP 403 challenge page" in err
