"""The ranking across groups: criteria without head-to-head, and the regulation's slot tables."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bestshot_domain.standings import (
    COMPETITIONS,
    THIRDS,
    MatchResult,
    Rules,
    StandingsRow,
    Table,
    TeamEntry,
    ThirdPlaceRule,
    Unresolved,
    ZoneStatus,
    compute_standings,
    preset,
    third_placed,
)
from bestshot_domain.standings.competitions import POINTS
from bestshot_domain.standings.eras import Era
from bestshot_domain.standings.presets import GD, GF
from tests.unit.standings.build import START


def third(team: str, points: int, gd: int, gf: int, won: int = 1) -> StandingsRow:
    return StandingsRow(
        position=3,
        team=team,
        name=team,
        played=3,
        won=won,
        drawn=points - 3 * won,
        lost=3 - won - (points - 3 * won),
        goals_for=gf,
        goals_against=gf - gd,
        goal_difference=gd,
        points=points,
        form="",
    )


def group(letter: str, row: StandingsRow) -> Table:
    above = [third(f"{letter}1", 9, 5, 6, 3), third(f"{letter}2", 6, 1, 4, 2)]
    return Table(f"Group {letter}", (*above, row, third(f"{letter}4", 0, -6, 0, 0)))


def euro(season: int) -> Era:
    return COMPETITIONS["uefa_euro"].era(COMPETITIONS["uefa_euro"].parse_season(str(season)))


def test_euro_2024_thirds_and_their_round_of_16() -> None:
    # The real thirds of EURO 2024: Netherlands (D), Georgia (F), Slovakia (E), Slovenia (C)
    # through; Hungary (A) and Croatia (B) out on points and goal difference.
    rows = {
        "A": third("Hungary", 3, -3, 2),
        "B": third("Croatia", 2, -3, 3, 0),
        "C": third("Slovenia", 3, 0, 2, 0),
        "D": third("Netherlands", 4, 0, 4),
        "E": third("Slovakia", 4, 0, 4),
        "F": third("Georgia", 4, -1, 4),
    }
    era = euro(2024)
    assert era.thirds is not None
    tables = [group(letter, row) for letter, row in rows.items()]
    ranking = third_placed(era.thirds, tables, [])
    assert ranking.group == THIRDS
    assert ranking.qualifying == 4
    qualified = {row.team: row.slot for row in ranking.rows if row.zone == "qualified"}
    # Spain (1B) v Georgia, England (1C) v Slovakia, Romania (1E) v Netherlands,
    # Portugal (1F) v Slovenia.
    assert qualified == {"Georgia": "1B", "Slovakia": "1C", "Netherlands": "1E", "Slovenia": "1F"}
    assert sorted(str(row.from_group) for row in ranking.rows) == [f"Group {c}" for c in "ABCDEF"]
    # Netherlands and Slovakia are level on points, goal difference, goals and wins; the
    # disciplinary points that would decide are not in the input, and the ranking says so.
    (netherlands,) = [row for row in ranking.rows if row.team in {"Netherlands", "Slovakia"}][:1]
    assert netherlands.decided_by == "disciplinary_points: not in the input"
    assert netherlands.tied


@pytest.mark.parametrize(
    ("name", "groups"), [("uefa_euro", "ABCDEF"), ("fifa_world_cup", "ABCDEFGHIJKL")]
)
def test_every_slot_table_pairs_each_winner_with_one_qualifier(name: str, groups: str) -> None:
    tables = 0
    for era in COMPETITIONS[name].eras:
        if era.thirds is None or not era.thirds.slots:
            continue
        tables += 1
        qualifying = era.thirds.qualifying
        # One row for every set of groups whose thirds go through (15 of 6 choose 4, 495 of 12
        # choose 8), pairing each winner with one of them, never with its own group's third.
        assert set(era.thirds.slots) == {
            "".join(c) for c in itertools.combinations(groups, qualifying)
        }
        for combination, order in era.thirds.slots.items():
            assert sorted(order) == sorted(combination)
            for winner, group in zip(era.thirds.opponents, order, strict=True):
                assert winner != f"1{group}"
    assert tables


# Qualification status of the thirds, against the fixtures still to be played.

SCORES = [(1, 0), (0, 1), (1, 1), (3, 0), (0, 3)]


@st.composite
def group_stages(draw: st.DrawFn) -> tuple[list[TeamEntry], list[MatchResult], int]:
    """Two or three small groups playing each other once, at most three fixtures left to play,
    and how many thirds go through."""
    entries: list[TeamEntry] = []
    matches: list[MatchResult] = []
    groups = draw(st.integers(2, 3))
    for g in range(groups):
        name = f"Group {'ABC'[g]}"
        teams = [f"{'ABC'[g]}{n}" for n in range(draw(st.integers(3, 4)))]
        entries += [TeamEntry(team, team, name) for team in teams]
        for home, away in itertools.combinations(teams, 2):
            goals = draw(st.sampled_from(SCORES))
            matches.append(MatchResult(home, away, *goals, START))
    unplayed = draw(st.lists(st.integers(0, len(matches) - 1), max_size=3, unique=True))
    for i in unplayed:
        matches[i] = MatchResult(matches[i].home, matches[i].away, None, None, START)
    return entries, matches, draw(st.integers(1, groups))


def goes_through(
    rules: Rules, rule: ThirdPlaceRule, teams: list[TeamEntry], matches: list[MatchResult]
) -> set[str]:
    """Who goes through when every match is played: the first two of each group, the best
    thirds (ties the rules leave are broken by name, as one outcome the regulation allows)."""
    tables = compute_standings(rules, teams, matches)
    ranking = third_placed(rule, tables, matches)
    direct = {row.team for table in tables for row in table.rows[:2]}
    return direct | {row.team for row in ranking.rows if row.zone == "qualified"}


@settings(max_examples=60)
@given(group_stages())
def test_a_thirds_status_never_contradicts_a_completion_of_the_fixtures(
    stage: tuple[list[TeamEntry], list[MatchResult], int],
) -> None:
    teams, matches, qualifying = stage
    rules = preset("uefa_euro")
    rule = ThirdPlaceRule(qualifying, (POINTS, GD, GF), Unresolved.LOTS)
    ranking = third_placed(rule, compute_standings(rules, teams, matches), matches, rules=rules)
    statuses = {row.team: row.zones["qualified"] for row in ranking.rows}
    assert set(statuses) == {row.team for row in ranking.rows}
    unplayed = [i for i, match in enumerate(matches) if match.home_goals is None]
    for goals in itertools.product(SCORES, repeat=len(unplayed)):
        played = list(matches)
        for i, (home, away) in zip(unplayed, goals, strict=True):
            played[i] = MatchResult(matches[i].home, matches[i].away, home, away, START)
        through = goes_through(rules, rule, teams, played)
        for team, status in statuses.items():
            if status is ZoneStatus.CLINCHED:
                assert team in through, (team, goals)
            elif status is ZoneStatus.ELIMINATED:
                assert team not in through, (team, goals)


def test_the_thirds_of_euro_2024_once_every_match_is_played() -> None:
    rows = {
        "A": third("Hungary", 3, -3, 2),
        "B": third("Croatia", 2, -3, 3, 0),
        "C": third("Slovenia", 3, 0, 2, 0),
        "D": third("Netherlands", 4, 0, 4),
        "E": third("Slovakia", 4, 0, 4),
        "F": third("Georgia", 4, -1, 4),
    }
    era = euro(2024)
    assert era.thirds is not None
    tables = [group(letter, row) for letter, row in rows.items()]
    ranking = third_placed(era.thirds, tables, [], rules=era.rules)
    assert {row.team: row.zones["qualified"] for row in ranking.rows} == {
        "Netherlands": ZoneStatus.CLINCHED,
        "Slovakia": ZoneStatus.CLINCHED,
        "Georgia": ZoneStatus.CLINCHED,
        "Slovenia": ZoneStatus.CLINCHED,
        "Hungary": ZoneStatus.ELIMINATED,
        "Croatia": ZoneStatus.ELIMINATED,
    }


def test_thirds_the_rules_leave_level_across_the_line_are_open() -> None:
    # Every match played; the fourth and fifth thirds are level on every figure, and the
    # disciplinary points that would separate them are not in the input.
    rows = {
        "A": third("Hungary", 4, 1, 4),
        "B": third("Croatia", 4, 1, 3),
        "C": third("Slovenia", 3, 0, 4),
        "D": third("Netherlands", 3, 0, 3),
        "E": third("Slovakia", 3, 0, 3),
        "F": third("Georgia", 1, -3, 1, 0),
    }
    era = euro(2016)
    assert era.thirds is not None
    tables = [group(letter, row) for letter, row in rows.items()]
    ranking = third_placed(era.thirds, tables, [], rules=era.rules)
    assert {row.team: row.zones["qualified"] for row in ranking.rows} == {
        "Hungary": ZoneStatus.CLINCHED,
        "Croatia": ZoneStatus.CLINCHED,
        "Slovenia": ZoneStatus.CLINCHED,
        "Netherlands": ZoneStatus.OPEN,
        "Slovakia": ZoneStatus.OPEN,
        "Georgia": ZoneStatus.ELIMINATED,
    }


def test_a_third_with_a_match_to_play() -> None:
    # Every match is won at home 1-0, except group A's third v its fourth, still to play: A2
    # may yet finish fourth, so even with all three thirds through it is not through yet; the
    # other thirds are, their groups being over.
    teams = [TeamEntry(f"{g}{n}", f"{g}{n}", f"Group {g}") for g in "ABC" for n in range(4)]
    matches = []
    for g in "ABC":
        for home, away in itertools.combinations(range(4), 2):
            goals: tuple[int | None, int | None] = (1, 0)
            if (g, home, away) == ("A", 2, 3):
                goals = (None, None)
            matches.append(MatchResult(f"{g}{home}", f"{g}{away}", goals[0], goals[1], START))
    rules = preset("uefa_euro")
    tables = compute_standings(rules, teams, matches)
    statuses = {
        g: {
            row.team: row.zones["qualified"]
            for row in third_placed(
                ThirdPlaceRule(g, (POINTS, GD, GF), Unresolved.LOTS), tables, matches, rules=rules
            ).rows
        }
        for g in (1, 3)
    }
    assert statuses[3] == {
        "A2": ZoneStatus.OPEN,
        "B2": ZoneStatus.CLINCHED,
        "C2": ZoneStatus.CLINCHED,
    }
    # One through: level on every figure, the thirds of B and C are not through yet either.
    assert set(statuses[1].values()) == {ZoneStatus.OPEN}
