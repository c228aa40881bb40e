"""The SofaScore parser on recorded events, every status code, scores, broken payloads."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.sources.sofascore import (
    CODES,
    SofascoreReference,
    parse_events,
    parse_rounds,
    status_of,
)
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Ending, MatchStatus, RoundKind, Score
from tests.unit.sources.sources_data import DELETE, edited, load, raw

PENALTIES = "sofascore/event_17090707_finished_AP_penalties.json"
POSTPONED = "sofascore/event_16599919_postponed.json"
CANCELED = "sofascore/event_16425949_canceled.json"


def test_after_penalties_the_table_score_leaves_the_shootout_out() -> None:
    (match,) = parse_events(raw(PENALTIES))
    observation = match.observation
    assert observation.external_id == "17090707"
    assert (observation.status, observation.ended) == (MatchStatus.FINISHED, Ending.PENALTIES)
    # homeScore.current is 6-5 (it counts the shoot-out); display is 1-1.
    assert observation.score == Score(1, 1)
    assert observation.shootout == Score(5, 4)
    assert observation.kickoff == datetime.fromtimestamp(1789563600, tz=UTC)
    assert observation.changed_at == datetime.fromtimestamp(1789573621, tz=UTC)
    assert (match.home.name, match.home.code, match.away.name) == ("Brazil U20", "BRA", "USA U20")
    assert (match.round.slug, match.round.label, match.round.kind, match.round.reference) == (
        "round-of-16",
        "Round of 16",
        RoundKind.KNOCKOUT,
        "5/round-of-16",
    )


def test_postponed_event_has_no_score_and_keeps_its_group() -> None:
    (match,) = parse_events(raw(POSTPONED))
    assert match.observation.status is MatchStatus.POSTPONED
    assert match.observation.score is None
    assert match.group == "Group 2"
    assert (match.round.slug, match.round.kind) == ("matchday-4", RoundKind.GROUP)


def test_canceled_event() -> None:
    (match,) = parse_events(raw(CANCELED))
    assert match.observation.status is MatchStatus.CANCELLED
    assert match.observation.score is None
    assert match.group is None
    assert (match.round.slug, match.round.kind, match.round.reference) == (
        "matchday-2",
        RoundKind.LEAGUE,
        "2",
    )


def _event(code: int, type_: str = "", **scores: dict[str, int]) -> dict[str, Any]:
    event = copy.deepcopy(load(PENALTIES)["event"])
    event["status"] = {"code": code, "description": "x", "type": type_}
    for side, values in scores.items():
        event[side] = values
    return event


def _observe(*events: dict[str, Any]) -> list[Any]:
    return [m.observation for m in parse_events(json.dumps({"events": list(events)}))]


REGULAR = {"current": 2, "display": 2, "period1": 1, "period2": 1, "normaltime": 2}
AWAY = {"current": 1, "display": 1, "period1": 0, "period2": 1, "normaltime": 1}

CODE_CASES = [
    (0, MatchStatus.SCHEDULED, None),
    (61, MatchStatus.SCHEDULED, None),
    *[(code, MatchStatus.LIVE, None) for code in (6, 7, 20, 31, 32, 33, 34, 40, 41, 42, 50)],
    (60, MatchStatus.POSTPONED, None),
    (70, MatchStatus.CANCELLED, None),
    (80, MatchStatus.SUSPENDED, None),
    (90, MatchStatus.SUSPENDED, None),
    (100, MatchStatus.FINISHED, Ending.REGULAR),
    (110, MatchStatus.FINISHED, Ending.EXTRA_TIME),
]


@pytest.mark.parametrize(("code", "status", "ended"), CODE_CASES)
def test_every_status_code_is_mapped(code: int, status: MatchStatus, ended: Ending | None) -> None:
    assert status_of(code, "") == (status, ended)
    (observation,) = _observe(_event(code, homeScore=REGULAR, awayScore=AWAY))
    assert (observation.status, observation.ended) == (status, ended)
    with_score = status in {MatchStatus.LIVE, MatchStatus.FINISHED}
    assert observation.score == (Score(2, 1) if with_score else None)
    assert observation.shootout is None


def test_the_code_table_is_all_tested() -> None:
    assert set(CODES) == {code for code, _, _ in CODE_CASES} | {120}


@pytest.mark.parametrize(
    ("type_", "status"),
    [
        ("notstarted", MatchStatus.SCHEDULED),
        ("inprogress", MatchStatus.LIVE),
        ("postponed", MatchStatus.POSTPONED),
        ("canceled", MatchStatus.CANCELLED),
        ("interrupted", MatchStatus.SUSPENDED),
    ],
)
def test_unknown_codes_fall_back_on_the_type(type_: str, status: MatchStatus) -> None:
    (observation,) = _observe(_event(999, type_, homeScore=REGULAR, awayScore=AWAY))
    assert observation.status is status


def test_unknown_code_of_an_unknown_type_is_a_format_error() -> None:
    with pytest.raises(SourceFormatError, match="unknown status code 999") as raised:
        _observe(_event(20, "inprogress"), _event(999, "finished"))
    assert raised.value.path == "events[1].status.code"


def test_after_extra_time_without_display_normal_time_plus_extra_time_counts() -> None:
    home = {"current": 3, "normaltime": 1, "extra1": 1, "extra2": 1}
    away = {"current": 1, "normaltime": 1, "extra1": 0, "extra2": 0}
    (observation,) = _observe(_event(110, "finished", homeScore=home, awayScore=away))
    assert (observation.score, observation.ended) == (Score(3, 1), Ending.EXTRA_TIME)


def test_during_a_shootout_current_is_never_the_score() -> None:
    home = {"current": 4}
    away = {"current": 3}
    (observation,) = _observe(_event(50, "inprogress", homeScore=home, awayScore=away))
    assert observation.status is MatchStatus.LIVE
    assert observation.score is None
    home = {"current": 4, "normaltime": 1, "penalties": 3}
    away = {"current": 3, "normaltime": 1, "penalties": 2}
    (observation,) = _observe(_event(50, "inprogress", homeScore=home, awayScore=away))
    assert observation.score == Score(1, 1)


def test_a_live_match_before_any_goal_data_has_no_score() -> None:
    (observation,) = _observe(_event(6, "inprogress", homeScore={}, awayScore={}))
    assert (observation.status, observation.score) == (MatchStatus.LIVE, None)


def test_group_rounds_come_from_the_tournament() -> None:
    event = _event(0, "notstarted", homeScore={}, awayScore={})
    event["roundInfo"] = {"round": 2}
    event["tournament"] |= {"isGroup": True, "groupName": "Group C"}
    (match,) = parse_events(json.dumps({"events": [event]}))
    assert (match.group, match.round.slug, match.round.kind) == (
        "Group C",
        "matchday-2",
        RoundKind.GROUP,
    )


BROKEN = [
    ("event.status.code", DELETE, "event.status.code", "Field required"),
    ("event.status.code", "ended", None, "valid integer"),
    ("event.homeScore.display", -1, None, "greater than or equal"),
    ("event.homeScore.display", "one", None, "valid integer"),
    ("event.startTimestamp", "tomorrow", None, "valid integer"),
    ("event.awayTeam.id", None, None, "valid string"),
    ("event.homeTeam", DELETE, None, "Field required"),
    ("event.roundInfo", DELETE, None, "Field required"),
    ("event.roundInfo", {"name": "?"}, "event.roundInfo.round", "Field required"),
    ("event.homeScore.penalties", DELETE, None, "no shoot-out score"),
    ("event.awayScore", {}, "event.awayScore.display", "no score for a finished match"),
]


@pytest.mark.parametrize(("path", "value", "reported", "message"), BROKEN)
def test_broken_events_name_their_path(
    path: str, value: object, reported: str | None, message: str
) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_events(edited(load(PENALTIES), path, value))
    assert raised.value.provider == "sofascore"
    assert raised.value.path == (reported or path)
    assert message in str(raised.value)


def test_round_payloads_name_the_event_by_index() -> None:
    events = [load(CANCELED)["event"], load(PENALTIES)["event"]]
    events[1] = {**events[1], "homeTeam": {"name": "no id"}}
    with pytest.raises(SourceFormatError) as raised:
        parse_events(json.dumps({"events": events}))
    assert raised.value.path == "events[1].homeTeam.id"


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        ('{"events": []}', "events", "no events"),
        ('{"error": {"code": 404}}', "events", "Field required"),
        ('{"events": {"a": 1}}', "events", "valid list"),
        ('{"events": [', "$", "not valid JSON"),
        ("[]", "$", "valid dictionary"),
    ],
)
def test_odd_payloads_are_format_errors(payload: str, path: str, message: str) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_events(payload)
    assert raised.value.path == path
    assert message in str(raised.value)


def test_rounds_of_a_season() -> None:
    payload = {
        "currentRound": {"round": 3},
        "rounds": [{"round": 1}, {"round": 2}, {"round": 5, "name": "Final", "slug": "final"}],
    }
    assert parse_rounds(json.dumps(payload)) == [(1, None), (2, None), (5, "final")]
    with pytest.raises(SourceFormatError) as raised:
        parse_rounds(json.dumps({"rounds": [{"round": "x"}]}))
    assert raised.value.path == "rounds[0].round"
    with pytest.raises(SourceFormatError, match="no rounds"):
        parse_rounds('{"rounds": []}')


def test_references() -> None:
    ref = SofascoreReference.parse("17/61627")
    assert ref.season_path == "/unique-tournament/17/season/61627"
    assert ref.round_path(5, "round-of-16") == (
        "/unique-tournament/17/season/61627/events/round/5/slug/round-of-16"
    )
    assert ref.round_path(3, None) == "/unique-tournament/17/season/61627/events/round/3"
    for bad in ("17", "17/x", "premier-league/2024", ""):
        with pytest.raises(InvalidInput):
            SofascoreReference.parse(bad)
