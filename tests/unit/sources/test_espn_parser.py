"""The ESPN parser on recorded scoreboards, every status, and broken payloads."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.sources.espn import EspnReference, parse_scoreboard, status_of
from adapters.sources.parsed import assemble_fixtures
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Ending, MatchStatus, RoundKind, Score
from tests.unit.sources.sources_data import DELETE, edited, load, raw

ENG1 = "espn/scoreboard_soccer_all_20260321_eng1_with_STATUS_POSTPONED_excerpt.json"
FINAL = "espn/scoreboard_fifa.world_20221218_final_STATUS_FINAL_PEN_excerpt.json"
MLS = "espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json"


def summary(name: str) -> list[tuple[object, ...]]:
    return [
        (
            m.external_id,
            m.home.name,
            m.away.name,
            m.observation.status,
            m.observation.score,
            m.observation.ended,
            m.observation.shootout,
        )
        for m in parse_scoreboard(raw(name))
    ]


def test_premier_league_day_with_a_postponed_match() -> None:
    assert summary(ENG1) == [
        ("740898", "Brighton & Hove Albion", "Liverpool", "finished", Score(2, 1), "regular", None),
        ("740905", "Fulham", "Burnley", "finished", Score(3, 1), "regular", None),
        ("740902", "Manchester City", "Crystal Palace", "postponed", None, None, None),
        ("740899", "Everton", "Chelsea", "finished", Score(3, 0), "regular", None),
        ("740900", "Leeds United", "Brentford", "finished", Score(0, 0), "regular", None),
    ]
    first = parse_scoreboard(raw(ENG1))[0]
    assert first.observation.kickoff == datetime(2026, 3, 21, 12, 45, tzinfo=UTC)
    assert (first.home.external_id, first.home.code) == ("331", "BHA")
    assert first.round.slug == "day-2026-03-21"
    assert first.round.kind is RoundKind.LEAGUE


def test_world_cup_final_after_penalties_keeps_the_shootout_apart() -> None:
    assert summary(FINAL) == [
        ("633850", "Argentina", "France", "finished", Score(3, 3), "penalties", Score(4, 2))
    ]
    (final,) = parse_scoreboard(raw(FINAL))
    assert (final.round.slug, final.round.label, final.round.kind) == (
        "final",
        "Final",
        RoundKind.KNOCKOUT,
    )


def test_mls_live_and_scheduled_matches_on_espn_days() -> None:
    assert summary(MLS) == [
        (
            "623597",
            "New York City FC",
            "New York Red Bulls",
            "finished",
            Score(2, 0),
            "regular",
            None,
        ),
        ("623601", "New England Revolution", "CF Montréal", "live", Score(0, 0), None, None),
        ("623602", "Chicago Fire FC", "Charlotte FC", "live", Score(2, 0), None, None),
        ("623604", "Austin FC", "Nashville SC", "scheduled", None, None, None),
    ]
    # 01:00 UTC on the 18th is 21:00 EDT on the 17th: ESPN's day, and ours.
    rounds = {m.round.slug for m in parse_scoreboard(raw(MLS))}
    assert rounds == {"day-2022-09-17"}


def test_fixtures_of_a_scoreboard() -> None:
    fixtures = assemble_fixtures("espn", parse_scoreboard(raw(ENG1)))
    assert len(fixtures.teams) == 10
    assert [r.slug for r in fixtures.rounds] == ["day-2026-03-21"]
    assert fixtures.rounds[0].reference == "20260321"
    assert all(m.observation.kickoff is not None for m in fixtures.matches)


def _event(status: str, state: str, *, completed: bool = False) -> dict[str, Any]:
    event = copy.deepcopy(load(FINAL)["events"][0])
    event["competitions"][0]["status"]["type"].update(name=status, state=state, completed=completed)
    return event


STATUSES = [
    ("STATUS_SCHEDULED", "pre", MatchStatus.SCHEDULED, None),
    ("STATUS_TBD", "pre", MatchStatus.SCHEDULED, None),
    ("STATUS_DELAYED", "pre", MatchStatus.SCHEDULED, None),
    ("STATUS_DELAYED", "in", MatchStatus.LIVE, None),
    ("STATUS_RAIN_DELAY", "pre", MatchStatus.SCHEDULED, None),
    ("STATUS_FIRST_HALF", "in", MatchStatus.LIVE, None),
    ("STATUS_HALFTIME", "in", MatchStatus.LIVE, None),
    ("STATUS_SECOND_HALF", "in", MatchStatus.LIVE, None),
    ("STATUS_END_OF_REGULATION", "in", MatchStatus.LIVE, None),
    ("STATUS_OVERTIME", "in", MatchStatus.LIVE, None),
    ("STATUS_FIRST_HALF_EXTRA_TIME", "in", MatchStatus.LIVE, None),
    ("STATUS_HALFTIME_ET", "in", MatchStatus.LIVE, None),
    ("STATUS_SECOND_HALF_EXTRA_TIME", "in", MatchStatus.LIVE, None),
    ("STATUS_END_OF_EXTRATIME", "in", MatchStatus.LIVE, None),
    ("STATUS_SHOOTOUT", "in", MatchStatus.LIVE, None),
    ("STATUS_IN_PROGRESS", "in", MatchStatus.LIVE, None),
    ("STATUS_END_PERIOD", "in", MatchStatus.LIVE, None),
    ("STATUS_FULL_TIME", "post", MatchStatus.FINISHED, Ending.REGULAR),
    ("STATUS_FINAL", "post", MatchStatus.FINISHED, Ending.REGULAR),
    ("STATUS_FINAL_AET", "post", MatchStatus.FINISHED, Ending.EXTRA_TIME),
    ("STATUS_FINAL_PEN", "post", MatchStatus.FINISHED, Ending.PENALTIES),
    ("STATUS_POSTPONED", "post", MatchStatus.POSTPONED, None),
    ("STATUS_CANCELED", "post", MatchStatus.CANCELLED, None),
    ("STATUS_ABANDONED", "post", MatchStatus.SUSPENDED, None),
    ("STATUS_SUSPENDED", "in", MatchStatus.SUSPENDED, None),
    ("STATUS_FORFEIT", "post", MatchStatus.AWARDED, None),
    ("STATUS_SOMETHING_NEW", "pre", MatchStatus.SCHEDULED, None),
    ("STATUS_SOMETHING_NEW", "in", MatchStatus.LIVE, None),
]


@pytest.mark.parametrize(("name", "state", "status", "ended"), STATUSES)
def test_every_status_is_mapped(
    name: str, state: str, status: MatchStatus, ended: Ending | None
) -> None:
    assert status_of(name, state) == (status, ended)
    (match,) = parse_scoreboard(json.dumps({"events": [_event(name, state)]}))
    observation = match.observation
    assert (observation.status, observation.ended) == (status, ended)
    with_score = status in {MatchStatus.LIVE, MatchStatus.FINISHED, MatchStatus.AWARDED}
    assert observation.score == (Score(3, 3) if with_score else None)
    assert observation.shootout == (Score(4, 2) if ended is Ending.PENALTIES else None)


def test_home_and_away_come_from_home_away_not_the_order() -> None:
    event = _event("STATUS_FINAL_PEN", "post", completed=True)
    event["competitions"][0]["competitors"].reverse()
    (match,) = parse_scoreboard(json.dumps({"events": [event]}))
    assert (match.home.name, match.away.name) == ("Argentina", "France")
    assert match.observation.shootout == Score(4, 2)


def test_score_objects_of_team_schedules_are_read() -> None:
    event = _event("STATUS_FINAL_AET", "post", completed=True)
    for competitor, goals in zip(event["competitions"][0]["competitors"], (2, 1), strict=True):
        competitor["score"] = {"value": float(goals), "displayValue": str(goals)}
        del competitor["shootoutScore"]
    (match,) = parse_scoreboard(json.dumps({"events": [event]}))
    assert match.observation.score == Score(2, 1)
    assert match.observation.ended is Ending.EXTRA_TIME
    assert match.observation.shootout is None


BROKEN = [
    (
        "events[2].competitions[0].status.type.name",
        DELETE,
        "events[2].competitions[0].status.type.name",
        "Field required",
    ),
    ("events[0].competitions[0].competitors[1].score", "three", None, "valid integer"),
    ("events[0].competitions[0].competitors[0].score", "-1", None, "greater than or equal"),
    ("events[1].id", ["740905"], None, "valid string"),
    ("events[3].date", "2026-03-21T17:30:00", None, "timezone"),
    ("events[4].competitions", [], None, "at least 1"),
    (
        "events[0].competitions[0].competitors[0].homeAway",
        "away",
        "events[0].competitions[0].competitors",
        "one home and one away",
    ),
    ("events[0].competitions[0].competitors[1].team", DELETE, None, "Field required"),
    ("events", {"0": {}}, None, "valid list"),
    ("events", [], None, "no events"),
]


@pytest.mark.parametrize(("path", "value", "reported", "message"), BROKEN)
def test_broken_payloads_name_their_path(
    path: str, value: object, reported: str | None, message: str
) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_scoreboard(edited(load(ENG1), path, value))
    assert raised.value.provider == "espn"
    assert raised.value.path == (reported or path)
    assert message in str(raised.value)


def test_unknown_final_status_is_a_format_error() -> None:
    event = _event("STATUS_WHATEVER", "post")
    with pytest.raises(SourceFormatError) as raised:
        parse_scoreboard(json.dumps({"events": [event]}))
    assert raised.value.path == "events[0].competitions[0].status.type.name"


def test_a_finished_match_without_a_score_is_a_format_error() -> None:
    event = _event("STATUS_FULL_TIME", "post", completed=True)
    for competitor in event["competitions"][0]["competitors"]:
        del competitor["score"]
    with pytest.raises(SourceFormatError, match="no score for a finished match") as raised:
        parse_scoreboard(json.dumps({"events": [event]}))
    assert raised.value.path == "events[0].competitions[0].competitors[0].score"


def test_penalties_without_a_shootout_score_is_a_format_error() -> None:
    event = _event("STATUS_FINAL_PEN", "post", completed=True)
    del event["competitions"][0]["competitors"][1]["shootoutScore"]
    with pytest.raises(SourceFormatError, match="shoot-out") as raised:
        parse_scoreboard(json.dumps({"events": [event]}))
    assert raised.value.path == "events[0].competitions[0].competitors[1].shootoutScore"


@pytest.mark.parametrize("cut", [1, 100, 5000])
def test_truncated_json_is_a_format_error(cut: int) -> None:
    with pytest.raises(SourceFormatError, match="not valid JSON") as raised:
        parse_scoreboard(raw(ENG1)[:cut])
    assert raised.value.path == "$"


def test_references() -> None:
    ref = EspnReference.parse("eng.1:20250815-20260524")
    assert (ref.league, ref.first.isoformat(), ref.last.isoformat()) == (
        "eng.1",
        "2025-08-15",
        "2026-05-24",
    )
    assert EspnReference.parse("fifa.world:20221218").last.isoformat() == "2022-12-18"
    assert ref.scoreboard_path == "/apis/site/v2/sports/soccer/eng.1/scoreboard"
    for bad in ("eng.1", "eng.1:2025", "eng.1:20251301", "eng.1:20260101-20250101", "ENG 1:x"):
        with pytest.raises(InvalidInput):
            EspnReference.parse(bad)
