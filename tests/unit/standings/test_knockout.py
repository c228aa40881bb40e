"""Knockout ties and progress, on the real ties that show each way of deciding one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bestshot_domain.standings import KnockoutMatch, is_knockout_round, knockout, progress


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
