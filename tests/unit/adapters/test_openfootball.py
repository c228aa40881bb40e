"""The openfootball parser and what it gives the standings engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.files.openfootball import (
    OpenfootballTeam,
    Status,
    parse_openfootball,
    standings_input,
)
from bestshot_domain.errors import SourceFormatError
from bestshot_domain.model import Cards

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def league(*matches: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Test League", "matches": list(matches)}


def test_club_league_file() -> None:
    parsed = parse_openfootball(json.loads((EXAMPLES / "en.1-2022-23.json").read_text()))
    assert parsed.name == "English Premier League 2022/23"
    assert len(parsed.matches) == 380
    first = parsed.matches[0]
    assert (first.team1.name, first.team2.name, first.full_time) == (
        "Crystal Palace FC",
        "Arsenal FC",
        (0, 2),
    )
    assert first.kickoff == datetime(2022, 8, 5, 20, 0, tzinfo=UTC)
    data = standings_input(parsed)
    assert len(data.teams) == 20
    assert all(team.group is None for team in data.teams)


def test_world_cup_file_groups_cards_and_knockouts() -> None:
    parsed = parse_openfootball(json.loads((EXAMPLES / "worldcup-2018.json").read_text()))
    opener = parsed.matches[0]
    assert opener.group == "Group A"
    assert opener.kickoff == datetime(2018, 6, 14, 15, 0, tzinfo=UTC)  # 18:00 UTC+3
    assert opener.cards1 == Cards(yellow=1)
    shootout = next(m for m in parsed.matches if m.penalties)
    assert shootout.extra_time == shootout.score  # the table score is after extra time
    data = standings_input(parsed)
    assert len(data.teams) == 32
    assert len(data.matches) == 48  # the 16 knockout matches are in no table
    assert {team.group for team in data.teams} == {f"Group {g}" for g in "ABCDEFGH"}


def test_extra_time_counts_and_a_shoot_out_never_does() -> None:
    parsed = parse_openfootball(
        league(
            {"team1": "A", "team2": "B", "score": {"ft": [1, 1], "et": [2, 1]}},
            {"team1": "C", "team2": "D", "score": {"ft": [0, 0], "et": [0, 0], "p": [5, 4]}},
        )
    )
    a_b, c_d = standings_input(parsed).matches
    assert (a_b.home_goals, a_b.away_goals) == (2, 1)
    assert (c_d.home_goals, c_d.away_goals) == (0, 0)


def test_status_cancelled_awarded_postponed() -> None:
    parsed = parse_openfootball(
        league(
            {"team1": "A", "team2": "B", "status": "cancelled"},
            {"team1": "B", "team2": "C", "status": "awarded", "score": {"ft": [3, 0]}},
            {"team1": "C", "team2": "A", "status": "Postponed", "score": {"ft": [1, 1]}},
            {"team1": "A", "team2": "C"},
        )
    )
    assert [m.status for m in parsed.matches] == [
        Status.CANCELLED,
        Status.AWARDED,
        Status.POSTPONED,
        None,
    ]
    matches = standings_input(parsed).matches
    assert [(m.home, m.away, m.home_goals, m.away_goals) for m in matches] == [
        ("B", "C", 3, 0),
        ("C", "A", None, None),  # postponed: still to be played
        ("A", "C", None, None),  # no score yet
    ]


def test_team_objects_rounds_and_flat_scores() -> None:
    parsed = parse_openfootball(
        {
            "name": "Euro",
            "rounds": [
                {
                    "name": "Matchday 1",
                    "matches": [
                        {
                            "team1": {"name": "Germany", "code": "GER"},
                            "team2": {"name": "Scotland", "code": "SCO"},
                            "score1": 5,
                            "score2": 1,
                            "date": "2024-06-14",
                            "time": "21:00 UTC+2",
                            "group": "Group A",
                        }
                    ],
                }
            ],
        }
    )
    (match,) = parsed.matches
    assert match.round == "Matchday 1"
    assert match.team1 == OpenfootballTeam("Germany", "GER")
    assert match.full_time == (5, 1)
    assert match.kickoff == datetime(2024, 6, 14, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ([], "expected a JSON object"),
        ({"name": "x"}, "expected `matches` or `rounds`"),
        ({"matches": {}}, "at matches"),
        ({"matches": [{"team1": "A"}]}, "at matches[0].team2"),
        ({"matches": [{"team1": "A", "team2": "A"}]}, "cannot play itself"),
        ({"matches": [{"team1": "A", "team2": "B", "score": {"ft": [1, -1]}}]}, "score.ft"),
        ({"matches": [{"team1": "A", "team2": "B", "date": "5 May"}]}, "matches[0].date"),
        (
            {"matches": [{"team1": "A", "team2": "B", "date": "2024-05-05", "time": "25:00"}]},
            "time",
        ),
        ({"matches": [{"team1": "A", "team2": "B", "status": "abandoned"}]}, "unknown status"),
        (
            {"matches": [{"team1": "A", "team2": "B", "cards": {"team1": {"yellow": -1}}}]},
            "matches[0].cards.team1.yellow",
        ),
        (
            {"matches": [{"team1": "A", "team2": "B", "cards": {"team2": {"orange": 1}}}]},
            "matches[0].cards.team2.orange",
        ),
        ({"rounds": [{"matches": [{"team1": 3, "team2": "B"}]}]}, "rounds[0].matches[0].team1"),
    ],
)
def test_bad_payloads_name_where(data: object, where: str) -> None:
    with pytest.raises(SourceFormatError, match=r"openfootball: f\.json: ") as error:
        parse_openfootball(data, "f.json")
    assert where in str(error.value)


def test_a_team_in_two_groups_is_a_format_error() -> None:
    parsed = parse_openfootball(
        league(
            {"team1": "A", "team2": "B", "group": "Group A"},
            {"team1": "A", "team2": "C", "group": "Group B"},
        )
    )
    with pytest.raises(SourceFormatError, match="'A' plays in both 'Group A' and 'Group B'"):
        standings_input(parsed)
