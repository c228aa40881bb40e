"""What compute_standings accepts, and the clear errors for what it does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings import MatchResult, TeamEntry, compute_standings, preset
from tests.unit.standings.build import matches

RULES = preset("premier_league")
TEAMS = [TeamEntry("A", "A"), TeamEntry("B", "B")]


def test_a_match_naming_an_unknown_team() -> None:
    with pytest.raises(InvalidInput, match="a match names 'Z', which is not a team here"):
        compute_standings(RULES, TEAMS, matches("A 1-0 Z"))


def test_a_team_playing_itself() -> None:
    with pytest.raises(InvalidInput, match="'A' cannot play itself"):
        compute_standings(RULES, TEAMS, matches("A 1-0 A"))
    with pytest.raises(InvalidInput, match="'A' cannot play itself"):
        compute_standings(RULES, TEAMS, matches("A - A"))


def test_a_team_listed_twice() -> None:
    with pytest.raises(InvalidInput, match="team 'A' is listed twice"):
        compute_standings(RULES, [*TEAMS, TeamEntry("A", "Other")], [])


def test_groups_must_hold_every_team_and_their_matches() -> None:
    grouped = [TeamEntry("A", "A", "Group A"), TeamEntry("B", "B", "Group B")]
    with pytest.raises(InvalidInput, match="not in the same group"):
        compute_standings(RULES, grouped, matches("A 1-0 B"))
    with pytest.raises(InvalidInput, match="has no group while others have one"):
        compute_standings(RULES, [grouped[0], TeamEntry("C", "C")], [])
    one_group = [TeamEntry("A", "A", "Group A"), TeamEntry("B", "B", "Group A")]
    with pytest.raises(InvalidInput, match="a match of 'Group B'"):
        compute_standings(RULES, one_group, matches("A 1-0 B", group="Group B"))


def test_scores_are_both_or_neither_and_never_negative() -> None:
    with pytest.raises(ValueError, match="both scores or neither"):
        MatchResult("A", "B", 1, None)
    with pytest.raises(ValueError, match="non-negative"):
        MatchResult("A", "B", -1, 0)


def test_no_team_gives_one_empty_table() -> None:
    assert [table.to_dict() for table in compute_standings(RULES, [], [])] == [
        {"group": None, "rows": []}
    ]


def test_no_match_yet_gives_an_empty_table_in_name_order() -> None:
    (result,) = compute_standings(RULES, [TeamEntry("b", "Zulu"), TeamEntry("a", "Alpha")], [])
    assert [(row.name, row.played, row.points, row.form) for row in result.rows] == [
        ("Alpha", 0, 0, ""),
        ("Zulu", 0, 0, ""),
    ]
    assert [row.tied for row in result.rows] == [True, True]


def test_unknown_kickoffs_come_first_and_form_follows_kickoff_order() -> None:
    late = datetime(2024, 5, 1, tzinfo=UTC)
    early = datetime(2024, 4, 1, tzinfo=UTC)
    given = [
        MatchResult("A", "B", 1, 0, kickoff=late),
        MatchResult("A", "B", 0, 1, kickoff=None),
        MatchResult("B", "A", 0, 0, kickoff=early),
    ]
    (result,) = compute_standings(RULES, TEAMS, given)
    assert result.row("A").form == "LDW"
    assert result.row("B").form == "WDL"
