"""Tables recomputed only for the groups whose inputs changed give what a full computation gives
(`tables.snapshot_of` with the previous snapshot)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import combinations

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from bestshot_domain.model import (
    Match,
    MatchStatus,
    Membership,
    PointAdjustment,
    RoundKind,
    StandingsSnapshot,
    TableMatch,
    Tournament,
)
from bestshot_domain.standings import Table
from bestshot_domain.tables import snapshot_of, table_matches
from tests.builders import T0, match, round_, team, tournament

S = MatchStatus
GROUPS = ("Group A", "Group B", "Group C", "Group D")
ROUNDS = (round_("matchday-1"), round_("final", order=2, kind=RoundKind.KNOCKOUT))


def _teams(groups: int, size: int) -> dict[str, str]:
    return {f"{g}{n}": GROUPS[g] for g in range(groups) for n in range(size)}


def _compute(
    tournament: Tournament,
    groups: dict[str, str],
    matches: Sequence[Match],
    adjustments: Sequence[PointAdjustment],
    names: dict[str, str],
    previous: StandingsSnapshot | None,
) -> StandingsSnapshot:
    results, legs = table_matches(tournament, ROUNDS, [TableMatch.of(m) for m in matches], ())
    return snapshot_of(
        tournament,
        members=[Membership("liga-test", f"scripted:{key}", g) for key, g in groups.items()],
        teams={t.key: t for t in (team(key, names.get(key)) for key in groups)},
        rounds=ROUNDS,
        results=results,
        legs=legs,
        adjustments=adjustments,
        at=T0,
        revision=len(matches),
        previous=previous,
    )


def _as_stored(snapshot: StandingsSnapshot) -> StandingsSnapshot:
    """The snapshot as a repository gives it back: tables through their dictionaries."""
    return evolve(snapshot, tables=tuple(Table.from_dict(t.to_dict()) for t in snapshot.tables))


scores = st.one_of(st.none(), st.tuples(st.integers(0, 4), st.integers(0, 4)))


@st.composite
def histories(draw: st.DrawFn) -> tuple[Tournament, dict[str, str], list[list[Match]]]:
    rules, season, zones = draw(
        st.sampled_from(
            [
                ("uefa_euro", "2016", ""),  # with a ranking of the third-placed teams
                ("fifa_world_cup", None, "1-2:qualified"),
                ("fifa_world_cup", None, "Group B:1:winner"),
            ]
        )
    )
    groups = _teams(draw(st.integers(2, 4)), draw(st.integers(3, 4)))
    pairs = [(home, away) for home, away in combinations(groups, 2) if groups[home] == groups[away]]
    kickoffs = {pair: T0 + timedelta(hours=draw(st.integers(0, 5))) for pair in pairs}

    def season_of(results: dict[tuple[str, str], tuple[int, int] | None]) -> list[Match]:
        return [
            match(
                f"{home}-{away}",
                home=home,
                away=away,
                status=S.SCHEDULED if score is None else S.FINISHED,
                score=score,
                kickoff=kickoffs[home, away],
            )
            for (home, away), score in results.items()
        ]

    results = {pair: draw(scores) for pair in pairs}
    steps = [season_of(results)]
    for _ in range(draw(st.integers(1, 4))):
        changed = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2, unique=True))
        for pair in changed:
            results[pair] = draw(scores)
        steps.append(season_of(results))
    return tournament(rules=rules, season=season, zones=zones), groups, steps


@settings(max_examples=60, deadline=None)
@given(histories())
def test_recomputing_the_changed_groups_gives_the_full_computation(
    history: tuple[Tournament, dict[str, str], list[list[Match]]],
) -> None:
    liga, groups, steps = history
    previous = None
    for matches in steps:
        incremental = _compute(liga, groups, matches, (), {}, previous)
        full = _compute(liga, groups, matches, (), {}, None)
        assert incremental == full
        previous = _as_stored(incremental)


def test_only_the_changed_groups_are_computed_again() -> None:
    groups = _teams(3, 4)
    liga = tournament(rules="uefa_euro", season="2016")
    first = [match("a", home="00", away="01", status=S.FINISHED, score=(1, 0))]
    stored = _as_stored(_compute(liga, groups, first, (), {}, None))
    assert list(stored.digests) == ["Group A", "Group B", "Group C"]
    second = [*first, match("b", home="10", away="11", status=S.FINISHED, score=(2, 0))]
    again = _compute(liga, groups, second, (), {}, stored)
    a, b, c, thirds = again.tables
    assert a is stored.tables[0]  # taken as stored
    assert c is stored.tables[2]
    assert b is not stored.tables[1]
    assert b.rows[0].team == "scripted:10"
    assert thirds.group == "Third-placed teams"
    assert again == _compute(liga, groups, second, (), {}, None)


def test_what_else_a_group_is_computed_from_makes_it_computed_again() -> None:
    groups = _teams(2, 3)
    liga = tournament(rules="fifa_world_cup")
    matches = [match("a", home="00", away="01", status=S.FINISHED, score=(1, 0))]
    stored = _as_stored(_compute(liga, groups, matches, (), {}, None))
    deducted = [PointAdjustment("liga-test", "scripted:12", -3, "wages")]
    for changed in (
        _compute(liga, groups, matches, deducted, {}, stored),
        _compute(liga, groups, matches, (), {"11": "Renamed"}, stored),
    ):
        assert changed.tables[0] is stored.tables[0]
        assert changed.tables[1] is not stored.tables[1]
    rezoned = evolve(liga, zones="1:winner")
    assert all(
        table is not before
        for table, before in zip(
            _compute(rezoned, groups, matches, (), {}, stored).tables, stored.tables, strict=True
        )
    )
    moved = {**groups, "12": "Group A", "02": "Group B"}
    assert _compute(liga, moved, matches, (), {}, stored) == _compute(
        liga, moved, matches, (), {}, None
    )
