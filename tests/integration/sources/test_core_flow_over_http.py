"""`import_tournament` then `update_round` through each provider's source, served from loopback,
into the in-memory repositories."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.origin import parse_origin
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import ClosableSource, build_source
from bestshot_domain.model import Match, MatchStatus, Score
from bestshot_domain.services import import_tournament, update_round
from tests.integration.sources.sources_loopback import LoopbackServer, Reply
from tests.source_configs import on_loopback

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
POLICY = HttpPolicy(
    attempts=2, backoff_initial=0.01, backoff_jitter=0.0, rate_limit=RateLimit(1000, 1.0)
)


class Flow:
    """One provider's source on loopback, the in-memory store, and the two use cases."""

    def __init__(self, provider: str, server: LoopbackServer) -> None:
        config = on_loopback(
            server.url,
            POLICY,
            {
                "football_data": {"token": "throwaway"},  # a loopback server's header
                "openfootball": {"hosts": (parse_origin(server.url),)},
            },
        )
        self.provider = provider
        self.clock = SettableClock(NOW)
        self.uow = MemoryUnitOfWorkFactory()
        self.source: ClosableSource = build_source(provider, config, clock=self.clock)
        self.tournament_id = ""

    async def import_(self, reference: str, rules: str) -> Any:
        summary = await import_tournament(
            self.provider,
            reference,
            f"{self.provider} test",
            rules,
            uow_factory=self.uow,
            sources={self.provider: self.source},
            clock=self.clock,
        )
        self.tournament_id = summary.tournament.id
        return summary

    async def update(self, round_slug: str) -> Any:
        return await update_round(
            self.tournament_id,
            round_slug,
            uow_factory=self.uow,
            sources={self.provider: self.source},
            clock=self.clock,
        )

    async def stored(self, round_slug: str) -> dict[str, Match]:
        async with self.uow() as uow:
            matches = await uow.matches.for_round(self.tournament_id, round_slug)
        return {m.external_id: m for m in matches}


@pytest.fixture
async def flows(server: LoopbackServer) -> AsyncIterator[dict[str, Flow]]:
    made: dict[str, Flow] = {}

    class Make(dict[str, Flow]):
        def __missing__(self, provider: str) -> Flow:
            made[provider] = Flow(provider, server)
            return made[provider]

    yield Make()
    for flow in made.values():
        await flow.source.aclose()


def _json(document: object) -> Reply:
    return Reply.json(json.dumps(document))


async def test_espn(server: LoopbackServer, flows: dict[str, Flow]) -> None:
    path = "/apis/site/v2/sports/soccer/usa.1/scoreboard"
    board = json.loads(
        (DATA / "espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json").read_text()
    )
    server.script(path, _json(board))
    flow = flows["espn"]
    imported = await flow.import_("usa.1:20220917", "mls")
    assert (imported.matches.created, imported.teams.created) == (4, 8)
    assert (await flow.stored("day-2022-09-17"))["623601"].status is MatchStatus.LIVE

    later = copy.deepcopy(board)
    changes = (
        (1, "STATUS_FULL_TIME", "post", ("1", "0")),
        (3, "STATUS_FIRST_HALF", "in", ("0", "1")),
    )
    for index, name, state, goals in changes:
        competition = later["events"][index]["competitions"][0]
        competition["status"]["type"].update(name=name, state=state)
        for competitor in competition["competitors"]:
            competitor["score"] = goals[0] if competitor["homeAway"] == "home" else goals[1]
    server.script(path, _json(later))
    update = await flow.update("day-2022-09-17")
    assert set(update.updated) == {"espn:623601", "espn:623604"}
    assert set(update.unchanged) == {"espn:623597", "espn:623602"}
    stored = await flow.stored("day-2022-09-17")
    assert (stored["623601"].status, stored["623601"].score) == (MatchStatus.FINISHED, Score(1, 0))
    assert (stored["623604"].status, stored["623604"].score) == (MatchStatus.LIVE, Score(0, 1))

    again = await flow.update("day-2022-09-17")
    assert (again.updated, len(again.unchanged)) == ((), 4)
    assert not (await flow.import_("usa.1:20220917", "mls")).changed


async def test_football_data(server: LoopbackServer, flows: dict[str, Flow]) -> None:
    path = "/v4/competitions/DED/matches"
    answer = json.loads((DATA / "football_data_org/v4_CompetitionMatches.json").read_text())
    server.script(path, _json(answer))
    flow = flows["football_data"]
    imported = await flow.import_("DED/2024", "premier_league")
    assert (imported.matches.created, imported.rounds.created) == (9, 1)

    later = copy.deepcopy(answer)
    later["matches"][0]["status"] = "FINISHED"
    later["matches"][0]["score"].update(duration="REGULAR", fullTime={"home": 2, "away": 1})
    later["matches"][0]["lastUpdated"] = "2024-08-09T20:05:00Z"  # the provider's change time
    server.script(path, _json(later))
    update = await flow.update("matchday-1")
    assert update.updated == ("football_data:498993",)
    assert len(update.unchanged) == 8
    assert server.requests[-1].query["matchday"] == ["1"]
    assert server.requests[-1].headers["X-Auth-Token"] == "throwaway"
    stored = (await flow.stored("matchday-1"))["498993"]
    assert (stored.status, stored.score) == (MatchStatus.FINISHED, Score(2, 1))


async def test_sofascore(server: LoopbackServer, flows: dict[str, Flow]) -> None:
    base = "/unique-tournament/17073/season/97382"
    first = json.loads((DATA / "sofascore/event_16599919_postponed.json").read_text())["event"]
    second = json.loads((DATA / "sofascore/event_16425949_canceled.json").read_text())["event"]
    for event in (first, second):
        event["roundInfo"] = {"round": 4}
        event["tournament"]["isGroup"] = False
    first["status"] = {"code": 0, "description": "Not started", "type": "notstarted"}
    server.script(f"{base}/rounds", _json({"rounds": [{"round": 4}]}))
    server.script(f"{base}/events/round/4", _json({"events": [first, second]}))
    flow = flows["sofascore"]
    imported = await flow.import_("17073/97382", "la_liga")
    assert imported.matches.created == 2

    played = copy.deepcopy(first)
    played["status"] = {"code": 100, "description": "Ended", "type": "finished"}
    played["homeScore"] = {"current": 2, "display": 2, "normaltime": 2}
    played["awayScore"] = {"current": 0, "display": 0, "normaltime": 0}
    played["changes"] = {"changeTimestamp": first["changes"]["changeTimestamp"] + 3600}
    server.script(f"{base}/events/round/4", _json({"events": [played, second]}))
    update = await flow.update("matchday-4")
    assert update.updated == ("sofascore:16599919",)
    assert update.unchanged == ("sofascore:16425949",)
    stored = await flow.stored("matchday-4")
    assert stored["16599919"].score == Score(2, 0)
    assert stored["16425949"].status is MatchStatus.CANCELLED


async def test_fbref(server: LoopbackServer, flows: dict[str, Flow]) -> None:
    path = "/en/comps/56/schedule/Austrian-Bundesliga-Scores-and-Fixtures"
    page = (DATA / "html/fbref_sched_ks_all_rows_AUT1_2019-20_legs.html").read_text()
    leg = "c8376d96/Hartberg-Austria-Wien-July-15-2020-Austrian-Bundesliga"
    before = page.replace(f'{leg}">0&ndash;0</a>', f'{leg}"></a>')
    assert before != page
    server.script(path, Reply(200, before.encode(), {"Content-Type": "text/html"}))
    flow = flows["fbref"]
    imported = await flow.import_(path, "bundesliga")
    assert imported.matches.created == 13
    assert (await flow.stored("finals"))["c8376d96"].status is MatchStatus.SCHEDULED

    server.script(path, Reply(200, page.encode(), {"Content-Type": "text/html"}))
    update = await flow.update("finals")
    assert update.updated == ("fbref:c8376d96",)
    assert update.unchanged == ("fbref:5be35bf7",)
    stored = (await flow.stored("finals"))["c8376d96"]
    assert (stored.status, stored.score) == (MatchStatus.FINISHED, Score(0, 0))


async def test_openfootball_from_a_url(server: LoopbackServer, flows: dict[str, Flow]) -> None:
    path = "/openfootball/football.json/master/2022-23/en.1.json"
    season = json.loads((EXAMPLES / "en.1-2022-23.json").read_text())
    unplayed = copy.deepcopy(season)
    for match in unplayed["matches"]:
        if match["round"] == "Matchday 38":
            del match["score"]
    server.script(path, _json(unplayed))
    flow = flows["openfootball"]
    imported = await flow.import_(server.url + path, "premier_league")
    assert (imported.matches.created, imported.teams.created) == (380, 20)
    last = await flow.stored("matchday-38")
    assert {m.status for m in last.values()} == {MatchStatus.SCHEDULED}

    server.script(path, _json(season))
    update = await flow.update("matchday-38")
    assert len(update.updated) == 10
    last = await flow.stored("matchday-38")
    assert {m.status for m in last.values()} == {MatchStatus.FINISHED}


async def test_an_observation_not_newer_than_the_stored_one_is_stale(
    server: LoopbackServer, flows: dict[str, Flow]
) -> None:
    path = "/v4/competitions/DED/matches"
    answer = json.loads((DATA / "football_data_org/v4_CompetitionMatches.json").read_text())
    server.script(path, _json(answer))
    flow = flows["football_data"]
    await flow.import_("DED/2024", "premier_league")
    behind = copy.deepcopy(answer)
    behind["matches"][0]["status"] = "FINISHED"
    behind["matches"][0]["score"].update(fullTime={"home": 2, "away": 1})
    # Same lastUpdated as the imported state: the provider's clock says nothing new happened.
    server.script(path, _json(behind))
    update = await flow.update("matchday-1")
    assert update.stale == ("football_data:498993",)
    assert (await flow.stored("matchday-1"))["498993"].status is MatchStatus.SCHEDULED
