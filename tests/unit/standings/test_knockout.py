"""Knockout ties and progress, on the real ties that show each way of deciding one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.standings import KnockoutMatch, is_knockout_round, knockout, progress
from bestshot_domain.standings.knockout import CHAMPION


def leg(
    round_: str,
    home: str,
    away: str,
    ft: tuple[int, int] | None,
    day: int,
    et: tuple[int, int] | None = None,
    p: tuple[int, int] | None = None,
) -> KnockoutMatch:
    return KnockoutMatch(round_, home, away, ft, et, p, datetime(2017, 3, day, tzinfo=UTC))


# Monaco v Manchester City, 2016-17: 3-5 away, 3-1 at home; 6-6, Monaco on away goals.
MONACO_CITY = [
    leg("Round of 16", "Manchester City", "AS Monaco", (5, 3), 1),
    leg("Round of 16", "AS Monaco", "Manchester City", (3, 1), 15),
]


def test_away_goals_decide_only_in_eras_that_used_them() -> None:
    ((tie,),) = [stage.ties for stage in knockout(MONACO_CITY, away_goals=True)]
    assert (tie.legs, tie.winner, tie.decided_by) == (2, "AS Monaco", "away_goals")
    assert sorted(tie.aggregate or ()) == [6, 6]
    ((tie,),) = [stage.ties for stage in knockout(MONACO_CITY, away_goals=False)]
    assert (tie.winner, tie.decided_by) == (None, None)  # a shoot-out would have decided


def test_extra_time_penalties_and_the_order_of_legs() -> None:
    # Real Madrid v Bayern 2016-17: 2-1 away, then 1-2 after 90 minutes and 4-2 after extra time.
    real = [
        leg("Quarter-finals", "Real Madrid", "Bayern", (1, 2), 18, et=(4, 2)),
        leg("Quarter-finals", "Bayern", "Real Madrid", (1, 2), 12),
    ]
    (stage,) = knockout(real, away_goals=True)
    (tie,) = stage.ties
    assert tie.teams == ("Bayern", "Real Madrid")  # the first leg's home side first
    assert (tie.aggregate, tie.winner, tie.decided_by) == ((3, 6), "Real Madrid", "extra_time")
    # Spain v Russia, 2018: 1-1 after extra time, Russia 4-3 on penalties.
    shoot_out = [leg("Round of 16", "Spain", "Russia", (1, 1), 1, et=(1, 1), p=(3, 4))]
    ((tie,),) = [stage.ties for stage in knockout(shoot_out, away_goals=False)]
    assert (tie.winner, tie.decided_by) == ("Russia", "penalties")


def test_a_tie_with_a_leg_to_play_is_open_and_progress_counts_it() -> None:
    matches = [
        leg("Semi-finals", "A", "B", (1, 0), 2),
        leg("Semi-finals", "C", "D", (0, 2), 3),
        leg("Match for third place", "A", "C", (1, 0), 9),
        leg("Final", "B", "D", (2, 2), 10, et=(2, 2), p=(5, 4)),
        leg("Quarter-finals", "E", "A", (0, 1), 1),
    ]
    rounds = knockout(matches, away_goals=False)
    assert [stage.name for stage in rounds] == [
        "Quarter-finals",
        "Semi-finals",
        "Match for third place",
        "Final",
    ]
    assert progress(rounds, ["A", "Z"]) == {
        "A": "Semi-finals",
        "B": "champion",
        "C": "Semi-finals",
        "D": "Final",
        "E": "Quarter-finals",
        "Z": "group",
    }
    open_tie = knockout([leg("Final", "B", "D", None, 10)], away_goals=False)
    assert open_tie[0].ties[0].winner is None
    assert "B" not in [v for v in progress(open_tie).values() if v == "champion"]


@pytest.mark.parametrize(
    ("name", "is_knockout"),
    [
        ("Round of 16", True),
        ("Quarter-finals", True),
        ("Match for third place", True),
        ("Final", True),
        ("Matchday 3", False),
        ("Group stage", False),
        (None, False),
    ],
)
def test_knockout_round_names(name: str | None, is_knockout: bool) -> None:
    assert is_knockout_round(name) is is_knockout


@pytest.mark.parametrize(
    "matches",
    [
        # The input stops at the semi-finals, one of them listed and decided.
        [leg("Semi-finals", "A", "B", (1, 0), 2)],
        # Both semi-finals decided, the final not in the input yet.
        [leg("Semi-finals", "A", "B", (1, 0), 2), leg("Semi-finals", "C", "D", (0, 2), 3)],
        # The final listed, not yet played.
        [
            leg("Semi-finals", "A", "B", (1, 0), 2),
            leg("Semi-finals", "C", "D", (0, 2), 3),
            leg("Final", "A", "D", None, 10),
        ],
        # A lone decided quarter-final.
        [leg("Quarter-finals", "A", "B", (3, 0), 1)],
    ],
)
def test_a_partial_bracket_has_no_champion(matches: list[KnockoutMatch]) -> None:
    assert CHAMPION not in progress(knockout(matches, away_goals=False)).values()


def test_a_final_known_by_its_structure_when_its_name_says_nothing() -> None:
    matches = [
        leg("Knockout 1", "A", "B", (1, 0), 2),
        leg("Knockout 1", "C", "D", (0, 2), 3),
        leg("Knockout 2", "A", "D", (0, 1), 10),
    ]
    assert progress(knockout(matches, away_goals=False))["D"] == CHAMPION
    # One tie after a round of two, but not between that round's winners: not a final.
    matches[-1] = leg("Knockout 2", "A", "C", (0, 1), 10)
    assert CHAMPION not in progress(knockout(matches, away_goals=False)).values()


NAMES = {32: "Round of 32", 16: "Round of 16", 8: "Quarter-finals", 4: "Semi-finals", 2: "Final"}


@st.composite
def brackets(draw: st.DrawFn) -> list[KnockoutMatch]:
    """A whole single-match bracket of 2 to 32 teams, draws settled by a shoot-out."""
    size = 2 ** draw(st.integers(1, 5))
    alive = [f"T{number}" for number in draw(st.permutations(range(size)))]
    matches: list[KnockoutMatch] = []
    day = 1
    while len(alive) > 1:
        winners = []
        for home, away in zip(alive[::2], alive[1::2], strict=True):
            ft = (draw(st.integers(0, 4)), draw(st.integers(0, 4)))
            shoot_out = None
            if ft[0] == ft[1]:
                first = draw(st.integers(0, 5))
                shoot_out = (first, draw(st.sampled_from([n for n in range(6) if n != first])))
            matches.append(leg(NAMES[len(alive)], home, away, ft, day, ft, shoot_out))
            decided = shoot_out or ft
            winners.append(home if decided[0] > decided[1] else away)
        alive = winners
        day += 1
    return matches


@given(brackets())
def test_a_whole_bracket_has_one_champion_who_won_every_tie(matches: list[KnockoutMatch]) -> None:
    rounds = knockout(matches, away_goals=False)
    champions = [team for team, reached in progress(rounds).items() if reached == CHAMPION]
    assert len(champions) == 1
    (champion,) = champions
    played = [tie for stage in rounds for tie in stage.ties if champion in tie.teams]
    assert [tie.winner for tie in played] == [champion] * len(rounds)
    assert rounds[-1].ties[0].winner == champion


@given(brackets(), st.data())
def test_a_bracket_short_of_its_decided_final_has_no_champion(
    matches: list[KnockoutMatch], data: st.DataObject
) -> None:
    final = matches[-1]
    unplayed = [*matches[:-1], KnockoutMatch(final.round, final.home, final.away, None)]
    assert CHAMPION not in progress(knockout(unplayed, away_goals=False)).values()
    # Any part of the bracket without its final, however much of each round it lists.
    before_final = matches[:-1]
    kept = data.draw(st.lists(st.sampled_from(before_final), unique=True)) if before_final else []
    assert CHAMPION not in progress(knockout(kept, away_goals=False)).values()


@given(brackets(), st.data())
def test_at_most_one_champion_for_any_part_of_a_bracket(
    matches: list[KnockoutMatch], data: st.DataObject
) -> None:
    kept = data.draw(st.lists(st.sampled_from(matches), unique=True))
    rounds = knockout(kept, away_goals=False)
    champions = [team for team, reached in progress(rounds).items() if reached == CHAMPION]
    assert len(champions) <= 1
    if champions:
        assert matches[-1] in kept
        assert rounds[-1].ties[0].winner == champions[0]
