"""Invariants of every table, under every preset."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bestshot_domain.standings import (
    COMPETITIONS,
    Era,
    MatchResult,
    Rules,
    Table,
    TeamEntry,
    Unresolved,
    Zone,
    compute_standings,
    third_placed,
)
from tests.unit.standings.strategies import leagues, presets

UNRESOLVED = {str(label) for label in Unresolved}


def only_table(rules: Rules, teams: list[TeamEntry], matches: list[MatchResult]) -> Table:
    (result,) = compute_standings(rules, teams, matches)
    return result


@given(presets, leagues())
def test_points_add_up(rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]]) -> None:
    teams, matches = league
    result = only_table(rules, teams, matches)
    played = [m for m in matches if m.played]
    draws = sum(1 for m in played if m.home_goals == m.away_goals)
    assert sum(row.points for row in result.rows) == 3 * (len(played) - draws) + 2 * draws
    assert sum(row.goals_for for row in result.rows) == sum(
        row.goals_against for row in result.rows
    )
    assert sum(row.played for row in result.rows) == 2 * len(played)
    assert sum(row.won for row in result.rows) == sum(row.lost for row in result.rows)
    for row in result.rows:
        assert row.played == row.won + row.drawn + row.lost
        assert row.goal_difference == row.goals_for - row.goals_against
        assert row.points == 3 * row.won + row.drawn
        assert len(row.form) == min(5, row.played)


@given(presets, leagues())
def test_positions_are_a_permutation_in_points_order(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]]
) -> None:
    teams, matches = league
    result = only_table(rules, teams, matches)
    assert [row.position for row in result.rows] == list(range(1, len(teams) + 1))
    assert sorted(row.team for row in result.rows) == sorted(team.id for team in teams)
    points = [row.points for row in result.rows]
    assert points == sorted(points, reverse=True)


@given(presets, leagues())
def test_every_row_says_what_placed_it_above_the_next(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]]
) -> None:
    teams, matches = league
    rows = only_table(rules, teams, matches).rows
    assert rows[-1].decided_by is None
    for upper, lower in itertools.pairwise(rows):
        assert upper.decided_by is not None
        if upper.points != lower.points:
            assert upper.decided_by == "points"
        if upper.decided_by in UNRESOLVED:
            # Left level: both marked, ordered by name, and level on points at least.
            assert upper.tied
            assert lower.tied
            assert (upper.name, upper.team) < (lower.name, lower.team)
            assert upper.points == lower.points
    for position, row in enumerate(rows):
        if row.tied:
            neighbours = [rows[position - 1].decided_by] if position else []
            neighbours.append(row.decided_by)
            assert any(label in UNRESOLVED for label in neighbours)


@given(presets, leagues(), st.randoms(use_true_random=False))
def test_the_table_does_not_depend_on_the_order_of_matches(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]], shuffler: random.Random
) -> None:
    teams, matches = league
    shuffled = list(matches)
    shuffler.shuffle(shuffled)
    shuffled_teams = list(teams)
    shuffler.shuffle(shuffled_teams)
    zones = (Zone("top", 1, 1), Zone("bottom", len(teams), len(teams)))
    assert compute_standings(rules, shuffled_teams, shuffled, zones=zones) == compute_standings(
        rules, teams, matches, zones=zones
    )


@given(presets, leagues(), st.randoms(use_true_random=False))
def test_renaming_teams_renames_rows_and_changes_nothing_else(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]], shuffler: random.Random
) -> None:
    teams, matches = league
    new_ids = [f"renamed{i}" for i in range(len(teams))]
    shuffler.shuffle(new_ids)
    rename = {team.id: new for team, new in zip(teams, new_ids, strict=True)}
    renamed_teams = [TeamEntry(rename[t.id], t.name) for t in teams]
    renamed_matches = [
        MatchResult(
            rename[m.home],
            rename[m.away],
            m.home_goals,
            m.away_goals,
            kickoff=m.kickoff,
            home_cards=m.home_cards,
            away_cards=m.away_cards,
        )
        for m in matches
    ]
    before = only_table(rules, teams, matches).to_dict()
    after = only_table(rules, renamed_teams, renamed_matches).to_dict()
    for row in before["rows"]:
        row["team"] = rename[row["team"]]
    assert after == before


@given(presets, leagues(), st.data())
def test_one_more_win_never_moves_a_team_down(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]], data: st.DataObject
) -> None:
    teams, matches = league
    winner, loser = data.draw(st.permutations(teams))[:2]
    margin = data.draw(st.integers(0, 3))
    last = max((m.kickoff for m in matches if m.kickoff), default=None)
    win = MatchResult(
        winner.id,
        loser.id,
        margin + 1,
        margin,
        kickoff=None if last is None else last + timedelta(days=1),
    )
    before = only_table(rules, teams, matches).row(winner.id)
    after = only_table(rules, teams, [*matches, win]).row(winner.id)
    assert after.position <= before.position
    assert after.points == before.points + rules.win
    assert after.form[-1:] == "W"


@given(presets, leagues())
def test_tables_round_trip_through_plain_data(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]]
) -> None:
    teams, matches = league
    result = only_table(rules, teams, matches)
    assert Table.from_dict(result.to_dict()) == result


@settings(max_examples=50)
@given(presets, leagues(max_teams=8), st.randoms(use_true_random=False))
def test_groups_are_tables_of_their_own(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]], shuffler: random.Random
) -> None:
    teams, matches = league
    grouped = [TeamEntry(t.id, t.name, shuffler.choice(["Group B", "Group A"])) for t in teams]
    group_of = {t.id: t.group for t in grouped}
    inside = [m for m in matches if group_of[m.home] == group_of[m.away]]
    tables = compute_standings(rules, grouped, inside)
    assert [t.group for t in tables] == sorted({t.group for t in grouped}, key=str)
    for result in tables:
        members = [t for t in grouped if t.group == result.group]
        alone = only_table(
            rules,
            [TeamEntry(t.id, t.name) for t in members],
            [m for m in inside if group_of[m.home] == result.group],
        )
        assert result.rows == alone.rows


ERAS = st.sampled_from([era for competition in COMPETITIONS.values() for era in competition.eras])


@given(ERAS, leagues(), st.randoms(use_true_random=False))
def test_no_era_depends_on_the_order_of_matches_or_teams(
    era: Era, league: tuple[list[TeamEntry], list[MatchResult]], shuffler: random.Random
) -> None:
    teams, matches = league
    shuffled, shuffled_teams = list(matches), list(teams)
    shuffler.shuffle(shuffled)
    shuffler.shuffle(shuffled_teams)
    assert compute_standings(era.rules, shuffled_teams, shuffled) == compute_standings(
        era.rules, teams, matches
    )


def in_groups(
    groups: list[tuple[list[TeamEntry], list[MatchResult]]],
) -> tuple[list[TeamEntry], list[MatchResult]]:
    """Leagues as groups A, B, ... of one tournament: their teams and matches renamed apart."""
    teams: list[TeamEntry] = []
    matches: list[MatchResult] = []
    for number, (members, played) in enumerate(groups):
        name = f"Group {'ABCDEF'[number]}"
        ids = {entry.id: f"{name}/{entry.id}" for entry in members}
        teams += [TeamEntry(ids[e.id], f"{e.name}{number}", name) for e in members]
        matches += [m._replace(home=ids[m.home], away=ids[m.away], group=name) for m in played]
    return teams, matches


THIRDS_ERAS = [
    era for competition in COMPETITIONS.values() for era in competition.eras if era.thirds
]


@settings(max_examples=60)
@given(
    st.sampled_from(THIRDS_ERAS),
    st.lists(leagues(min_teams=3, max_teams=4), min_size=6, max_size=6),
    st.randoms(use_true_random=False),
)
def test_the_thirds_ranking_has_one_team_per_group_in_any_order(
    era: Era,
    groups: list[tuple[list[TeamEntry], list[MatchResult]]],
    shuffler: random.Random,
) -> None:
    assert era.thirds is not None
    teams, matches = in_groups(groups)

    def ranking(teams: list[TeamEntry], matches: list[MatchResult]) -> Table:
        assert era.thirds is not None
        return third_placed(era.thirds, compute_standings(era.rules, teams, matches), matches)

    table = ranking(teams, matches)
    assert sorted(row.from_group or "" for row in table.rows) == [
        f"Group {letter}" for letter in "ABCDEF"
    ]
    assert sum(row.zone == "qualified" for row in table.rows) == min(era.thirds.qualifying, 6)
    shuffler.shuffle(teams)
    shuffler.shuffle(matches)
    assert ranking(teams, matches) == table


def without_cards(matches: list[MatchResult]) -> list[MatchResult]:
    return [m._replace(home_cards=None, away_cards=None) for m in matches]


@given(ERAS, leagues())
def test_an_era_that_does_not_count_cards_gives_the_same_tables_without_them(
    era: Era, league: tuple[list[TeamEntry], list[MatchResult]]
) -> None:
    # What lets the stored inputs leave the cards out for such an era (`Era.counts_cards`).
    teams, matches = league
    if not era.counts_cards:
        assert compute_standings(era.rules, teams, matches) == compute_standings(
            era.rules, teams, without_cards(matches)
        )


@settings(max_examples=40)
@given(
    st.sampled_from([era for era in THIRDS_ERAS if not era.counts_cards]),  # the World Cup 1994
    st.lists(leagues(min_teams=3, max_teams=4), min_size=6, max_size=6),
)
def test_a_thirds_ranking_that_does_not_count_cards_is_the_same_without_them(
    era: Era, groups: list[tuple[list[TeamEntry], list[MatchResult]]]
) -> None:
    assert era.thirds is not None
    thirds = era.thirds
    teams, matches = in_groups(groups)

    def ranking(matches: list[MatchResult]) -> Table:
        return third_placed(thirds, compute_standings(era.rules, teams, matches), matches)

    assert ranking(matches) == ranking(without_cards(matches))


def test_cards_are_counted_where_fair_play_breaks_ties() -> None:
    # The other side of the two properties above. Japan went through in 2018 on fair play,
    # ahead of Senegal; the Premier League has no such criterion.
    eras = {era.name: era for competition in COMPETITIONS.values() for era in competition.eras}
    assert eras["fifa_world_cup_2018"].counts_cards
    assert eras["uefa_euro_2016"].counts_cards  # its thirds' ranking too
    assert not eras["premier_league_1992"].counts_cards
