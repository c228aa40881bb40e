"""Each team's position after every round (`bestshot_domain.positions`)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bestshot_domain.model import (
    MatchStatus,
    Membership,
    RoundKind,
    StandingsInputs,
    TableMatch,
    make_key,
)
from bestshot_domain.positions import positions_by_round
from bestshot_domain.tables import compute_snapshot, table_matches
from tests.builders import PROVIDER, T0, match, round_, team, tournament

TEAMS = ["a", "b", "c", "d"]
# A single round-robin of four: three rounds of two matches.
PAIRS = [[("a", "d"), ("b", "c")], [("a", "c"), ("d", "b")], [("a", "b"), ("c", "d")]]


def _inputs(
    scores: list[tuple[int, int] | None],
    *,
    groups: dict[str, str | None] | None = None,
    zones: str = "1:champion,4:relegation",
    rules: str = "premier_league",
    knockout: bool = False,
) -> tuple[StandingsInputs, tuple[TableMatch, ...]]:
    t = tournament(zones=zones, rules=rules)
    groups = groups or dict.fromkeys(TEAMS)
    rounds = [round_(f"matchday-{n}", order=n) for n in (1, 2, 3)]
    matches = []
    pairs = [pair for day in PAIRS for pair in day]
    for index, ((home, away), score) in enumerate(zip(pairs, scores, strict=True)):
        day = index // 2 + 1
        matches.append(
            TableMatch.of(
                match(
                    f"m{index}",
                    home=home,
                    away=away,
                    round_slug=f"matchday-{day}",
                    status=MatchStatus.SCHEDULED if score is None else MatchStatus.FINISHED,
                    score=score,
                    kickoff=T0 + timedelta(days=7 * day),
                )
            )
        )
    if knockout:
        rounds.append(round_("final", order=4, kind=RoundKind.KNOCKOUT))
        matches.append(
            TableMatch.of(
                match(
                    "final",
                    home="a",
                    away="b",
                    round_slug="final",
                    status=MatchStatus.FINISHED,
                    score=(9, 0),
                    kickoff=T0 + timedelta(days=40),
                )
            )
        )
    teams = {make_key(PROVIDER, key): team(key) for key in TEAMS}
    members = tuple(Membership(t.id, make_key(PROVIDER, key), groups[key]) for key in sorted(TEAMS))
    results, legs = table_matches(t, rounds, matches, ())
    inputs = StandingsInputs(t, members, teams, tuple(rounds), results, legs, (), 0)
    return inputs, tuple(matches)


SCORES = st.lists(
    st.none() | st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=6, max_size=6
)


@settings(max_examples=60, deadline=None)
@given(scores=SCORES)
def test_each_round_ranks_every_team_once_and_the_last_is_the_table(
    scores: list[tuple[int, int] | None],
) -> None:
    inputs, matches = _inputs(scores)
    (series,) = positions_by_round(inputs, matches) or (None,)
    if series is None:  # no result yet: nothing to draw
        assert all(score is None for score in scores)
        return
    played = sorted({index // 2 + 1 for index, score in enumerate(scores) if score is not None})
    assert [r.order for r in series.rounds] == played
    for after in range(len(series.rounds)):
        assert sorted(path.positions[after] for path in series.teams) == [1, 2, 3, 4]
    table = compute_snapshot(
        inputs.tournament,
        members=inputs.members,
        teams=inputs.teams,
        rounds=inputs.rounds,
        matches=matches,
        adjustments=(),
        discipline=(),
        at=T0,
        revision=0,
    ).tables[0]
    assert [path.team for path in series.teams] == [row.team for row in table.rows]
    assert [path.positions[-1] for path in series.teams] == [row.position for row in table.rows]
    assert [zone.name for zone in series.zones] == ["champion", "relegation"]


def test_a_later_round_does_not_count_before_it_and_knockouts_never() -> None:
    # Round 1 only: a beat d 3-0 and c beat b 1-0; round 2's results come later.
    inputs, matches = _inputs([(3, 0), (0, 1), (2, 2), (0, 0), None, None], knockout=True)
    (series,) = positions_by_round(inputs, matches)
    assert [r.slug for r in series.rounds] == ["matchday-1", "matchday-2"]
    paths = {path.team.split(":")[1]: path.positions for path in series.teams}
    assert paths["a"][0] == 1
    assert paths["c"][0] == 2
    assert paths["d"][0] == 4


def test_groups_have_their_own_series_and_the_thirds_ranking_none() -> None:
    groups: dict[str, str | None] = {"a": "A", "b": "B", "c": "B", "d": "A"}
    inputs, matches = _inputs(
        [(1, 0), (2, 0), (0, 0), (0, 0), (0, 0), (0, 0)],
        groups=groups,
        zones="A:1:winner,B:1:winner",
        rules="uefa_euro",
    )
    series = positions_by_round(inputs, matches)
    assert [s.group for s in series] == ["A", "B"]
    assert [len(s.teams) for s in series] == [2, 2]
    # Only matches within a group count: round 1 has one in each.
    assert series[0].rounds[0].slug == "matchday-1"
    assert [z.group for z in series[0].zones] == ["A"]
