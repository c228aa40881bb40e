"""Each preset's distinctive criterion, on small hand-built leagues."""

from __future__ import annotations

import pytest

from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Cards
from bestshot_domain.standings import (
    PRESETS,
    H2HStat,
    HeadToHead,
    Overall,
    Rules,
    Stat,
    TeamEntry,
    Unresolved,
    compute_standings,
    parse_zones,
    preset,
    with_points,
)
from tests.unit.standings.build import decided, matches, order, table, with_cards


def test_every_preset_named_in_the_issue_exists() -> None:
    assert set(PRESETS) == {
        "premier_league",
        "la_liga",
        "serie_a",
        "bundesliga",
        "ligue_1",
        "ligue_1_2023",
        "brasileirao",
        "fifa_world_cup",
        "uefa_euro",
        "uefa_champions_league",
        "copa_libertadores",
        "copa_libertadores_2020",
        "mls",
    }
    assert all(rules.name == name for name, rules in PRESETS.items())


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match=r"unknown rules preset 'eredivisie'.*premier_league"):
        preset("eredivisie")


# La Liga: a three-club mini-league, once every match among them is played.

LA_LIGA_TRIO = (
    # among A, B, C, home and away: B 7 points, A 5, C 4 in the mini-league
    "A 1-0 B",
    "B 0-0 A",
    "B 1-0 C",
    "C 0-1 B",
    "C 1-0 A",
    "A 0-0 C",
    # against D, which puts all three on 11 points with C, A, B by goal difference
    "A 2-0 D",
    "D 0-2 A",
    "B 1-0 D",
    "D 0-0 B",
    "C 5-0 D",
    "D 0-5 C",
    "C 0-0 D",
)


def test_la_liga_mini_league_reverses_goal_difference() -> None:
    result = table(preset("la_liga"), matches(*LA_LIGA_TRIO))
    assert [row.points for row in result.rows[:3]] == [11, 11, 11]
    assert order(result) == ["B", "A", "C", "D"]
    assert decided(result)[:2] == ["head_to_head_points", "head_to_head_points"]
    # Rules that go to goal difference first see the opposite order.
    assert order(table(preset("premier_league"), matches(*LA_LIGA_TRIO)))[:3] == ["C", "A", "B"]


def test_la_liga_head_to_head_waits_until_both_legs_are_played() -> None:
    first_leg = ("A 1-0 B", "A 0-1 C", "B 4-0 C")
    # Level on 3 points; B has the better goal difference, A won the only meeting.
    early = table(preset("la_liga"), matches(*first_leg, "B - A"))
    assert order(early)[:2] == ["B", "A"]
    assert early.rows[0].decided_by == "goal_difference"
    # The return leg, drawn: still level (4 points), and now head-to-head applies.
    done = table(preset("la_liga"), matches(*first_leg, "B 0-0 A"))
    assert [row.points for row in done.rows[:2]] == [4, 4]
    assert order(done)[:2] == ["A", "B"]
    assert done.rows[0].decided_by == "head_to_head_points"


# Serie A: head-to-head reapplied to the clubs still level.

SERIE_A_TRIO = (
    # among A, B, C, home and away: A 9 points, B and C 4 each and -1 goal difference; B won
    # their own meetings (1-0, 0-0)
    "A 1-0 B",
    "B 0-1 A",
    "B 1-0 C",
    "C 0-0 B",
    "C 1-0 A",
    "A 1-0 C",
    # against D and E: all three on 9 points; C has the best goal difference overall
    "D 1-0 A",
    "B 1-0 D",
    "D 0-0 B",
    "E 0-0 B",
    "C 5-0 D",
    "D 0-0 C",
    "E 0-0 C",
)


def test_serie_a_reapplies_head_to_head_to_those_still_level() -> None:
    result = table(preset("serie_a"), matches(*SERIE_A_TRIO))
    assert [row.points for row in result.rows[:3]] == [9, 9, 9]
    assert order(result)[:3] == ["A", "B", "C"]
    assert decided(result)[:2] == ["head_to_head_points", "head_to_head_points"]
    assert not any(row.tied for row in result.rows)
    # Applied once only, the mini-league leaves B and C to goal difference, where C is ahead.
    once = Rules(
        "once",
        (
            HeadToHead((H2HStat.POINTS, H2HStat.GOAL_DIFFERENCE)),
            Overall(Stat.GOAL_DIFFERENCE),
            Overall(Stat.GOALS_FOR),
        ),
        Unresolved.LOTS,
    )
    assert order(table(once, matches(*SERIE_A_TRIO)))[:3] == ["A", "C", "B"]


def test_serie_a_head_to_head_before_goal_difference() -> None:
    lines = ("A 3-0 B", "C 2-0 A", "B 2-0 C", "A 1-0 D", "B 1-0 D", "C 4-0 D", "D - A")
    result = table(preset("serie_a"), matches(*lines))
    # Mini-league: A 3 pts +1, C 3 pts 0, B 3 pts -1, before any overall figure.
    assert order(result)[:3] == ["A", "C", "B"]
    assert decided(result)[:2] == ["head_to_head_goal_difference"] * 2
    # Goal difference alone would put C (+4) first.
    assert order(table(preset("premier_league"), matches(*lines)))[0] == "C"


def test_serie_a_two_clubs_level_for_the_title_at_the_end_go_to_a_play_off() -> None:
    lines = ("A 2-0 B", "B 1-0 C", "C 0-1 A", "B 3-0 D", "D 0-0 C", "A 0-1 D")
    final = table(preset("serie_a"), matches(*lines))
    assert [row.points for row in final.rows[:2]] == [6, 6]
    assert [row.tied for row in final.rows[:2]] == [True, True]
    assert final.rows[0].decided_by == "play_off"
    assert order(final)[:2] == ["A", "B"]  # by name, deciding nothing
    # With a fixture still to play, the head-to-head orders them for now.
    running = table(preset("serie_a"), matches(*lines, "C - D"))
    assert running.rows[0].decided_by == "head_to_head_points"
    assert not running.rows[0].tied


def test_serie_a_play_off_across_the_top_of_the_relegation_zone() -> None:
    lines = ("A 3-0 C", "A 3-0 D", "B 0-1 C", "D 1-0 B", "A 1-1 B", "C 0-0 D")
    zones = parse_zones("3-4:relegation")
    final = table(preset("serie_a"), matches(*lines), zones=zones)
    assert [row.team for row in final.rows] == ["A", "C", "D", "B"]
    assert [row.points for row in final.rows] == [7, 4, 4, 1]
    assert final.rows[1].decided_by == "play_off"
    assert final.rows[1].zones["relegation"] == "open"  # the play-off decides it
    assert final.rows[3].zones["relegation"] == "clinched"
    # Without a relegation zone there, C and D go through the criteria (and lots).
    assert table(preset("serie_a"), matches(*lines)).rows[1].decided_by == "lots"


# Bundesliga: goals scored before the head-to-head.


def test_bundesliga_goals_for_before_head_to_head() -> None:
    lines = ("B 1-0 A", "C 1-0 B", "A 2-1 C")
    result = table(preset("bundesliga"), matches(*lines))
    # All on 3 points and 0 goal difference; B scored once, A and C twice: B is third although
    # it beat A. A beat C: head-to-head aggregate.
    assert order(result) == ["A", "C", "B"]
    assert decided(result) == ["head_to_head_goal_difference", "goals_for", None]


def test_bundesliga_head_to_head_away_goals() -> None:
    result = table(preset("bundesliga"), matches("A 0-1 B", "B 1-2 A"))
    # Aggregate 2-2; A scored two away, B one.
    assert order(result) == ["A", "B"]
    assert result.rows[0].decided_by == "head_to_head_away_goals"


# UEFA Euro: Group E 2024, four teams on 4 points.

EURO_2024_GROUP_E = (
    "ROU 3-0 UKR",
    "BEL 0-1 SVK",
    "SVK 1-2 UKR",
    "BEL 2-0 ROU",
    "SVK 1-1 ROU",
    "UKR 0-0 BEL",
)


def test_euro_2024_group_e() -> None:
    result = table(preset("uefa_euro"), matches(*EURO_2024_GROUP_E))
    assert [row.points for row in result.rows] == [4, 4, 4, 4]
    # All three head-to-head figures over the four first: Romania and Belgium are level on
    # head-to-head points and goal difference, and Romania scored more (4 to 2). Reapplying to
    # Romania and Belgium alone after goal difference would wrongly put Belgium first (2-0).
    assert order(result) == ["ROU", "BEL", "SVK", "UKR"]
    assert decided(result) == [
        "head_to_head_goals_for",
        "head_to_head_goal_difference",
        "head_to_head_goal_difference",
        None,
    ]


def test_euro_reapplies_head_to_head_to_two_teams_still_level() -> None:
    lines = ("A 2-0 B", "C 2-0 A", "B 3-1 C", "B 1-0 D", "C 3-0 D", "A 1-0 D")
    result = table(preset("uefa_euro"), matches(*lines))
    # Mini-league of three: A 3 pts 0 gd 2 gf; B and C 3 pts 0 gd 3 gf: A is third of them.
    # B and C again, alone: B won 3-1. Goal difference overall would have put C (+3) first.
    assert order(result) == ["B", "C", "A", "D"]
    assert decided(result)[:2] == ["head_to_head_points", "head_to_head_goals_for"]


def test_euro_disciplinary_points_after_wins() -> None:
    played = matches("A 1-1 B", "A 1-1 C", "B 1-1 C")
    played[0] = with_cards(played[0], Cards(yellow=2), Cards(yellow=1))
    played[1] = with_cards(played[1], Cards(), Cards(second_yellow_red=1))
    result = table(preset("uefa_euro"), played)
    # All level on everything else: B 1 point, A 2, C 3.
    assert order(result) == ["B", "A", "C"]
    assert decided(result)[:2] == ["disciplinary_points", "disciplinary_points"]


# UEFA Champions League league phase: away wins.


def test_champions_league_away_wins() -> None:
    lines = ("C 0-1 A", "A 1-2 D", "B 1-0 C", "D 2-1 B")
    result = table(preset("uefa_champions_league"), matches(*lines))
    rows = {row.team: row for row in result.rows}
    assert (rows["A"].points, rows["A"].goal_difference, rows["A"].goals_for) == (3, 0, 2)
    assert (rows["B"].points, rows["B"].goal_difference, rows["B"].goals_for) == (3, 0, 2)
    ranked = order(result)
    assert ranked.index("A") == ranked.index("B") - 1
    assert result.rows[ranked.index("A")].decided_by == "away_wins"


def test_champions_league_opponents_points() -> None:
    # A and B both win 1-0 away and lose 0-1 at home; A's opponents won more elsewhere.
    lines = ("C 0-1 A", "A 0-1 D", "E 0-1 B", "B 0-1 F", "C 3-0 F", "D 2-0 E")
    result = table(preset("uefa_champions_league"), matches(*lines))
    ranked = order(result)
    assert ranked.index("A") == ranked.index("B") - 1
    assert result.rows[ranked.index("A")].decided_by == "opponents_points"


# Brasileirao: wins before goal difference; head-to-head only for two.


def test_brasileirao_wins_before_goal_difference() -> None:
    lines = ("A 1-0 C", "A 1-0 D", "A 0-1 E", "A 0-3 F", "B 0-0 C", "B 0-0 D", "B 5-0 E", "B 0-0 F")
    result = table(preset("brasileirao"), matches(*lines))
    assert order(result)[:2] == ["A", "B"]
    assert [row.points for row in result.rows[:2]] == [6, 6]
    assert result.rows[0].goal_difference < result.rows[1].goal_difference
    assert result.rows[0].decided_by == "wins"
    assert order(table(preset("premier_league"), matches(*lines)))[:2] == ["B", "A"]


def test_brasileirao_head_to_head_only_between_two() -> None:
    four = table(preset("brasileirao"), matches("A 1-0 B", "B 1-0 C", "C 1-0 D", "D 1-0 A"))
    # All on 3 points, 1 win, 0 goal difference, 1 goal: four level, no head-to-head.
    assert all(row.tied for row in four.rows)
    assert decided(four) == ["lots", "lots", "lots", None]
    pair = table(preset("brasileirao"), matches("B 1-0 A", "A 1-0 C", "D 1-0 B", "C 2-0 D"))
    # A and B alone are level on everything before it: B beat A.
    assert order(pair) == ["C", "B", "A", "D"]
    assert pair.rows[1].decided_by == "head_to_head_points"


def test_brasileirao_fewest_red_then_yellow_cards() -> None:
    played = matches("A 0-0 B", "B 0-0 C", "C 0-0 A")
    played[0] = with_cards(played[0], Cards(yellow=5), Cards(red=1))
    played[1] = with_cards(played[1], Cards(), Cards(yellow=1))
    result = table(preset("brasileirao"), played)
    assert order(result) == ["C", "A", "B"]
    assert decided(result)[:2] == ["yellow_cards", "red_cards"]


# Ligue 1: head-to-head away goals (2023-24 rules), goal difference first.


def test_ligue_1_2023_head_to_head_away_goals() -> None:
    lines = ("A 0-1 B", "B 1-2 A")
    result = table(preset("ligue_1_2023"), matches(*lines))
    # Level on points, goal difference, head-to-head points, goal difference and goals; A
    # scored two away, B one.
    assert order(result) == ["A", "B"]
    assert result.rows[0].decided_by == "head_to_head_away_goals"
    # Since 2025-26 away goals count for nothing: goals, wins, away wins are level.
    current = table(preset("ligue_1"), matches(*lines))
    assert [row.tied for row in current.rows] == [True, True]
    assert current.rows[0].decided_by == "lots"


def test_ligue_1_away_wins() -> None:
    result = table(
        preset("ligue_1"), matches("A 1-1 B", "C 0-1 A", "B 1-0 D", "A 0-1 E", "B 0-1 F")
    )
    rows = {row.team: row for row in result.rows}
    assert (rows["A"].points, rows["A"].goal_difference, rows["A"].goals_for) == (4, 0, 2)
    assert (rows["B"].points, rows["B"].goal_difference, rows["B"].goals_for) == (4, 0, 2)
    assert order(result)[:2] == ["A", "B"]
    assert result.rows[0].decided_by == "away_wins"


def test_ligue_1_goal_difference_before_head_to_head() -> None:
    lines = ("A 1-0 B", "B 3-0 C", "C 1-0 A")
    result = table(preset("ligue_1"), matches(*lines))
    # All on 3 points; B +2, A 0, C -2: goal difference decides, not A's win over B.
    assert order(result) == ["B", "A", "C"]
    assert decided(result)[:2] == ["goal_difference", "goal_difference"]


# MLS: wins, and the procedure restarts for the clubs still level.


def test_mls_wins_then_goal_difference_for_the_rest() -> None:
    lines = ("A 1-0 D", "A 1-0 E", "D 2-0 A", "B 1-0 D", "B 1-1 E", "B 1-1 F", "B 0-0 G",
             "C 3-0 E", "C 0-0 F", "C 0-0 G", "C 0-0 D")  # fmt: skip
    result = table(preset("mls"), matches(*lines))
    assert order(result)[:3] == ["A", "C", "B"]
    assert [row.points for row in result.rows[:3]] == [6, 6, 6]
    assert decided(result)[:2] == ["wins", "goal_difference"]


def test_restart_recomputes_head_to_head_over_the_smaller_set() -> None:
    criteria = (HeadToHead((H2HStat.POINTS,)),)
    restarting = Rules("restarting", criteria, Unresolved.LOTS, restart=True)
    once = Rules("once", criteria, Unresolved.LOTS)
    # The mini-league of three separates A; B and C are level in it, and B won their meetings.
    restarted = table(restarting, matches(*SERIE_A_TRIO))
    assert order(restarted)[:3] == ["A", "B", "C"]
    assert not restarted.rows[1].tied
    assert decided(restarted)[:2] == ["head_to_head_points", "head_to_head_points"]
    applied_once = table(once, matches(*SERIE_A_TRIO))
    assert [row.tied for row in applied_once.rows[:3]] == [False, True, True]
    assert applied_once.rows[1].decided_by == "lots"


# Copa Libertadores: head-to-head first since 2026, goal difference first before.


def test_copa_libertadores_head_to_head_first_since_2026() -> None:
    lines = ("A 1-0 B", "A 0-0 C", "B 5-0 D", "B 0-0 C")
    # A and B on 4 points: A won their meeting, B has the better goal difference.
    current = table(preset("copa_libertadores"), matches(*lines))
    assert order(current)[:2] == ["A", "B"]
    assert current.rows[0].decided_by == "head_to_head_points"
    before = table(preset("copa_libertadores_2020"), matches(*lines))
    assert order(before)[:2] == ["B", "A"]
    assert before.rows[0].decided_by == "goal_difference"


# FIFA World Cup: the conduct score, by card category.


def test_fifa_conduct_score_weights_each_card_category() -> None:
    played = matches("A 0-0 B", "C 0-0 D")
    played[0] = with_cards(played[0], Cards(second_yellow_red=1), Cards(red=1))
    played[1] = with_cards(played[1], Cards(yellow_and_red=1), Cards(yellow=2))
    # Conduct: D -2, A -3, B -4, C -5.
    world_cup = table(preset("fifa_world_cup"), played)
    assert order(world_cup) == ["D", "A", "B", "C"]
    assert decided(world_cup) == ["fair_play", "fair_play", "fair_play", None]
    # UEFA counts a second yellow and a direct red alike (3 each): A and B stay level.
    euro = table(preset("uefa_euro"), played)
    assert order(euro) == ["D", "A", "B", "C"]
    assert decided(euro) == [
        "disciplinary_points",
        "qualifying_ranking",
        "disciplinary_points",
        None,
    ]
    assert [row.tied for row in euro.rows] == [False, True, True, False]


# Premier League: head-to-head, then a play-off; deductions; 2-1-0.


def test_premier_league_head_to_head_then_play_off() -> None:
    level = table(preset("premier_league"), matches("A 1-1 B", "B 1-1 A"))
    assert [row.tied for row in level.rows] == [True, True]
    assert decided(level) == ["play_off", None]
    assert order(level) == ["A", "B"]
    # Same figures, but A scored its goal at B and B none at A: head-to-head away goals.
    lines = ("A 0-0 B", "B 1-1 A", "A 2-1 C", "B 2-1 C")
    away = table(preset("premier_league"), matches(*lines))
    assert decided(away)[0] == "head_to_head_away_goals"
    assert order(away)[:2] == ["A", "B"]


def test_tied_rows_are_ordered_by_name_not_id() -> None:
    teams = [TeamEntry("t1", "Zeta"), TeamEntry("t2", "Alpha")]
    (result,) = compute_standings(preset("premier_league"), teams, matches("t1 0-0 t2"))
    assert [row.name for row in result.rows] == ["Alpha", "Zeta"]
    assert all(row.tied for row in result.rows)


def test_deductions_change_points_and_order() -> None:
    lines = ("A 2-0 B", "A 1-0 C", "B 1-0 C")
    result = table(preset("premier_league"), matches(*lines), adjustments={"A": -4})
    assert order(result) == ["B", "A", "C"]
    assert [row.points for row in result.rows] == [3, 2, 0]


def test_a_deduction_for_an_unknown_team_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="'Z'"):
        table(preset("premier_league"), matches("A 1-0 B"), adjustments={"Z": -1})


def test_two_points_for_a_win() -> None:
    lines = ("A 1-0 C", "A 1-0 D", "A 0-1 E", "B 0-0 C", "B 0-0 D", "B 0-0 E", "B 0-0 F")
    old = table(with_points(preset("premier_league"), 2, 1, 0), matches(*lines))
    rows = {row.team: row for row in old.rows}
    assert rows["A"].points == rows["B"].points == 4
    new = table(preset("premier_league"), matches(*lines))
    assert {row.team: row.points for row in new.rows}["A"] == 6


def test_points_must_rank_a_win_above_a_draw_above_a_loss() -> None:
    with pytest.raises(InvalidInput, match="win > draw >= loss"):
        with_points(preset("premier_league"), 1, 1, 0)
