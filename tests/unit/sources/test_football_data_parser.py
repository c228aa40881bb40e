"""The football-data.org parser on recorded answers, every status and duration, broken ones."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.sources.football_data import (
    STATUSES,
    FootballDataReference,
    parse_matches,
    round_of,
)
from adapters.sources.parsed import assemble_fixtures
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Ending, MatchStatus, RoundKind, Score
from tests.unit.sources.sources_data import DELETE, edited, load, raw

TEAM = "football_data_org/v4_teams_65_matches_2023-24_PL_CL.json"
DED = "football_data_org/v4_CompetitionMatches.json"
STANDINGS = "football_data_org/v4_Standings.json"


def test_a_teams_season_across_two_competitions() -> None:
    matches = parse_matches(raw(TEAM))
    assert len(matches) == 46
    by_id = {m.external_id: m for m in matches}

    first = by_id["435943"]
    assert (first.home.name, first.away.name, first.home.code) == (
        "Burnley FC",
        "Manchester City FC",
        "BUR",
    )
    assert first.observation.status is MatchStatus.FINISHED
    assert (first.observation.score, first.observation.ended) == (Score(0, 3), Ending.REGULAR)
    assert first.observation.kickoff == datetime(2023, 8, 11, 19, 0, tzinfo=UTC)
    assert first.observation.changed_at == datetime(2023, 12, 28, 5, 21, 21, tzinfo=UTC)
    assert (first.round.slug, first.round.reference) == ("matchday-1", "REGULAR_SEASON:1")

    postponed = by_id["436118"]
    assert postponed.observation.status is MatchStatus.POSTPONED
    assert postponed.observation.score is None

    date_only = by_id["436208"]  # SCHEDULED: the date is known, the time is not
    assert date_only.observation.status is MatchStatus.SCHEDULED
    assert date_only.observation.kickoff == datetime(2024, 3, 2, tzinfo=UTC)

    group = by_id["451640"]
    assert (group.group, group.round.slug, group.round.kind) == (
        "Group G",
        "group-stage-1",
        RoundKind.GROUP,
    )
    assert group.observation.score == Score(3, 1)

    knockout = by_id["451671"]
    assert (knockout.round.slug, knockout.round.label, knockout.round.kind) == (
        "last-16-2",
        "Last 16, matchday 2",
        RoundKind.KNOCKOUT,
    )
    statuses = {m.observation.status for m in matches}
    assert statuses == {MatchStatus.FINISHED, MatchStatus.SCHEDULED, MatchStatus.POSTPONED}


def test_competition_matches_and_their_fixtures() -> None:
    fixtures = assemble_fixtures("football_data", parse_matches(raw(DED)))
    assert [r.slug for r in fixtures.rounds] == ["matchday-1"]
    assert len(fixtures.matches) == 9
    assert len(fixtures.teams) == 18
    assert {m.observation.status for m in fixtures.matches} == {MatchStatus.SCHEDULED}


def test_a_byte_order_mark_is_tolerated() -> None:
    with_bom = b"\xef\xbb\xbf" + raw(DED)
    assert parse_matches(with_bom) == parse_matches(raw(DED))


def test_a_standings_answer_is_not_a_matches_answer() -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_matches(raw(STANDINGS))
    assert raised.value.path == "matches"


def test_one_match_answer() -> None:
    match = load(TEAM)["matches"][0]
    (parsed,) = parse_matches(json.dumps(match))
    assert parsed.external_id == "435943"


def _match(status: str, **score: Any) -> dict[str, Any]:
    match = copy.deepcopy(load(TEAM)["matches"][0])
    match["status"] = status
    match["score"].update(score)
    return match


def _parse(match: dict[str, Any]) -> Any:
    (parsed,) = parse_matches(json.dumps({"matches": [match]}))
    return parsed.observation


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("SCHEDULED", MatchStatus.SCHEDULED),
        ("TIMED", MatchStatus.SCHEDULED),
        ("IN_PLAY", MatchStatus.LIVE),
        ("PAUSED", MatchStatus.LIVE),
        ("EXTRA_TIME", MatchStatus.LIVE),
        ("PENALTY_SHOOTOUT", MatchStatus.LIVE),
        ("LIVE", MatchStatus.LIVE),
        ("FINISHED", MatchStatus.FINISHED),
        ("SUSPENDED", MatchStatus.SUSPENDED),
        ("POSTPONED", MatchStatus.POSTPONED),
        ("CANCELLED", MatchStatus.CANCELLED),
        ("AWARDED", MatchStatus.AWARDED),
    ],
)
def test_every_status_is_mapped(status: str, expected: MatchStatus) -> None:
    assert STATUSES[status] is expected
    observation = _parse(_match(status))
    assert observation.status is expected
    with_score = expected in {MatchStatus.LIVE, MatchStatus.FINISHED, MatchStatus.AWARDED}
    assert observation.score == (Score(0, 3) if with_score else None)
    assert observation.ended == (Ending.REGULAR if expected is MatchStatus.FINISHED else None)


def test_every_status_in_the_table_is_tested() -> None:
    assert set(STATUSES) == {
        "SCHEDULED", "TIMED", "IN_PLAY", "PAUSED", "EXTRA_TIME", "PENALTY_SHOOTOUT", "LIVE",
        "FINISHED", "SUSPENDED", "POSTPONED", "CANCELLED", "AWARDED",
    }  # fmt: skip


def test_after_extra_time_the_table_score_is_regular_plus_extra_time() -> None:
    observation = _parse(
        _match(
            "FINISHED",
            duration="EXTRA_TIME",
            fullTime={"home": 2, "away": 1},
            regularTime={"home": 1, "away": 1},
            extraTime={"home": 1, "away": 0},
        )
    )
    assert (observation.score, observation.ended, observation.shootout) == (
        Score(2, 1),
        Ending.EXTRA_TIME,
        None,
    )


def test_after_extra_time_without_the_parts_full_time_is_the_score() -> None:
    observation = _parse(_match("FINISHED", duration="EXTRA_TIME", fullTime={"home": 3, "away": 2}))
    assert observation.score == Score(3, 2)


def test_after_a_shootout_full_time_is_never_used() -> None:
    # fullTime holds the shoot-out goals; here it is even inconsistent, and must not matter.
    observation = _parse(
        _match(
            "FINISHED",
            duration="PENALTY_SHOOTOUT",
            fullTime={"home": 9, "away": 1},
            regularTime={"home": 1, "away": 1},
            extraTime={"home": 1, "away": 1},
            penalties={"home": 4, "away": 3},
        )
    )
    assert (observation.score, observation.ended, observation.shootout) == (
        Score(2, 2),
        Ending.PENALTIES,
        Score(4, 3),
    )


def test_a_shootout_straight_after_regular_time() -> None:
    observation = _parse(
        _match(
            "FINISHED",
            duration="PENALTY_SHOOTOUT",
            fullTime={"home": 5, "away": 6},
            regularTime={"home": 0, "away": 0},
            penalties={"home": 5, "away": 6},
        )
    )
    assert (observation.score, observation.shootout) == (Score(0, 0), Score(5, 6))


def test_a_live_match_without_goals_yet_has_no_score() -> None:
    observation = _parse(_match("IN_PLAY", fullTime={"home": None, "away": None}))
    assert observation.status is MatchStatus.LIVE
    assert observation.score is None


def test_undecided_ties_are_left_out() -> None:
    match = _match("TIMED")
    match["homeTeam"] = {"id": None, "name": None}
    other = load(TEAM)["matches"][1]
    parsed = parse_matches(json.dumps({"matches": [match, other]}))
    assert [m.external_id for m in parsed] == [str(other["id"])]


BROKEN = [
    ("matches[3].utcDate", DELETE, "matches[3].utcDate", "Field required"),
    ("matches[0].status", "HALF_TIME_ISH", "matches[0].status", "unknown status"),
    ("matches[0].score.fullTime.home", "x", None, "valid integer"),
    ("matches[0].score.fullTime.away", -2, None, "greater than or equal"),
    ("matches[1].score.fullTime", {"home": None, "away": None}, None, "no score for a finished"),
    ("matches[0].score.duration", "GOLDEN_GOAL", None, "unknown duration"),
    ("matches[5].homeTeam", "Burnley", None, "valid dictionary"),
    ("matches[2].matchday", "third", None, "valid integer"),
    ("matches", None, None, "valid list"),
    ("matches", [], None, "no matches"),
]


@pytest.mark.parametrize(("path", "value", "reported", "message"), BROKEN)
def test_broken_answers_name_their_path(
    path: str, value: object, reported: str | None, message: str
) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_matches(edited(load(TEAM), path, value))
    assert raised.value.provider == "football_data"
    assert raised.value.path == (reported or path)
    assert message in str(raised.value)


def test_a_shootout_without_its_parts_names_them() -> None:
    no_regular = _match("FINISHED", duration="PENALTY_SHOOTOUT", penalties={"home": 4, "away": 3})
    with pytest.raises(SourceFormatError) as raised:
        _parse(no_regular)
    assert raised.value.path == "matches[0].score.regularTime"
    no_penalties = _match(
        "FINISHED", duration="PENALTY_SHOOTOUT", regularTime={"home": 1, "away": 1}
    )
    with pytest.raises(SourceFormatError) as raised:
        _parse(no_penalties)
    assert raised.value.path == "matches[0].score.penalties"


def test_truncated_json_is_a_format_error() -> None:
    with pytest.raises(SourceFormatError, match="not valid JSON") as raised:
        parse_matches(raw(DED)[:-40])
    assert raised.value.path == "$"


def test_rounds() -> None:
    assert round_of(None, 7).slug == "matchday-7"
    assert round_of("REGULAR_SEASON", None).slug == "regular-season"
    assert (round_of("FINAL", None).slug, round_of("FINAL", None).kind) == (
        "final",
        RoundKind.KNOCKOUT,
    )
    assert round_of("LEAGUE_STAGE", 5).kind is RoundKind.LEAGUE
    assert round_of("QUARTER_FINALS", 1).label == "Quarter finals, matchday 1"


def test_references() -> None:
    ref = FootballDataReference.parse("PL/2024")
    assert (ref.competition, ref.season, ref.matches_path) == (
        "PL",
        "2024",
        "/v4/competitions/PL/matches",
    )
    assert ref.params(matchday="3") == {"season": "2024", "matchday": "3"}
    assert FootballDataReference.parse("ded").params() == {}
    for bad in ("", "PL/24", "PL 2024", "PL/2024/1"):
        with pytest.raises(InvalidInput):
            FootballDataReference.parse(bad)
