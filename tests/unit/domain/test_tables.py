from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from importlib import metadata

import pytest

from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import (
    Cards,
    Match,
    MatchDiscipline,
    MatchStatus,
    Membership,
    PointAdjustment,
    RoundKind,
    StandingsSnapshot,
    TableMatch,
)
from bestshot_domain.tables import (
    ENGINE_EDITION,
    compute_snapshot,
    engine_fingerprint,
    import_season,
)
from tests.builders import T0, match, round_, team, tournament

S = MatchStatus


def members(*keys: str, group: str | None = None) -> list[Membership]:
    return [Membership("liga-test", f"scripted:{key}", group) for key in keys]


def snapshot(
    matches: Sequence[Match],
    *,
    rules: str = "la_liga",
    season: str | None = None,
    memberships: Sequence[Membership] = (),
    adjustments: Sequence[PointAdjustment] = (),
    discipline: Sequence[MatchDiscipline] = (),
) -> StandingsSnapshot:
    memberships = memberships or members("a", "b", "c", "d")
    return compute_snapshot(
        tournament(rules=rules, season=season),
        members=memberships,
        teams={t.key: t for t in (team(key) for key in "abcd")},
        rounds=[round_("matchday-1"), round_("cup-final", order=2, kind=RoundKind.KNOCKOUT)],
        matches=[TableMatch.of(stored) for stored in matches],
        adjustments=adjustments,
        discipline=discipline,
        at=T0,
        revision=7,
    )


def order(result: StandingsSnapshot, table: int = 0) -> list[str]:
    return [row.team.removeprefix("scripted:") for row in result.tables[table].rows]


def test_cards_reach_the_fair_play_criterion() -> None:
    matches = [
        match("1", home="a", away="c", status=S.FINISHED, score=(1, 0)),
        match("2", home="b", away="d", status=S.FINISHED, score=(1, 0)),
    ]
    plain = snapshot(matches)
    assert order(plain)[:2] == ["a", "b"]  # level on everything that counts: by name
    booked = snapshot(
        matches, discipline=[MatchDiscipline("scripted:1", "scripted:a", Cards(yellow=2))]
    )
    assert order(booked)[:2] == ["b", "a"]
    assert booked.tables[0].rows[0].decided_by == "fair_play"


def test_knockout_rounds_cancelled_matches_and_outsiders_do_not_count() -> None:
    matches = [
        match("ko", home="d", away="a", status=S.FINISHED, score=(5, 0), round_slug="cup-final"),
        match("void", home="d", away="b", status=S.CANCELLED),
        match("guest", home="d", away="zz", status=S.FINISHED, score=(9, 0)),
        match("real", home="c", away="d", status=S.FINISHED, score=(1, 0)),
    ]
    result = snapshot(matches)
    rows = {row.team.removeprefix("scripted:"): row for row in result.tables[0].rows}
    assert (rows["d"].played, rows["d"].goals_for) == (1, 0)
    assert rows["a"].played == 0


def test_remaining_fixtures_count_as_not_played() -> None:
    matches = [
        match("live", home="a", away="b", status=S.LIVE, score=None),
        match("later", home="c", away="d", kickoff=T0 + timedelta(days=3)),
        match("off", home="a", away="c", status=S.POSTPONED),
    ]
    assert all(row.played == 0 for row in snapshot(matches).tables[0].rows)


def test_adjustments_are_summed_and_those_of_outsiders_ignored() -> None:
    result = snapshot(
        [],
        adjustments=[
            PointAdjustment("liga-test", "scripted:c", 2, "x"),
            PointAdjustment("liga-test", "scripted:c", 1, "y"),
            PointAdjustment("liga-test", "scripted:zz", -9, "gone"),
        ],
    )
    assert (order(result)[0], result.tables[0].rows[0].points) == ("c", 3)


def test_groups_get_their_tables_and_cross_group_matches_are_left_out() -> None:
    memberships = [*members("a", "b", group="A"), *members("c", "d", group="B")]
    matches = [
        match("1", home="b", away="a", status=S.FINISHED, score=(1, 0)),
        match("2", home="a", away="c", status=S.FINISHED, score=(3, 0)),
    ]
    result = snapshot(matches, rules="fifa_world_cup", memberships=memberships)
    assert [t.group for t in result.tables] == ["A", "B"]
    assert order(result, 0) == ["b", "a"]
    assert all(row.played == 0 for row in result.tables[1].rows)


def test_the_snapshot_says_when_with_which_rules_from_which_revision_and_by_which_engine() -> None:
    result = snapshot([])
    assert (result.tournament_id, result.rules, result.computed_at) == ("liga-test", "la_liga", T0)
    assert (result.revision, result.engine) == (7, engine_fingerprint())
    assert [row.name for row in result.tables[0].rows] == [f"Team {k}" for k in "abcd"]


def test_the_engine_fingerprint_names_the_package_version_and_the_engine_edition() -> None:
    fingerprint = engine_fingerprint()
    assert fingerprint.startswith(f"bestshot {metadata.version('bestshot')}, ")
    assert fingerprint.endswith(f"engine edition {ENGINE_EDITION}")


def test_the_tables_use_the_era_of_the_tournaments_season() -> None:
    """The Bundesliga gave two points for a win until 1994-95."""
    won = [match("1", home="a", away="b", status=S.FINISHED, score=(1, 0))]
    assert snapshot(won, rules="bundesliga").tables[0].rows[0].points == 3
    assert snapshot(won, rules="bundesliga", season="1993-94").tables[0].rows[0].points == 2
    assert snapshot(won, rules="bundesliga", season="1995-96").tables[0].rows[0].points == 3


def test_groups_of_an_era_with_a_ranking_of_thirds_end_with_it() -> None:
    memberships = [
        *members("a", "b", "c", group="Group A"),
        Membership("liga-test", "scripted:d", "Group B"),
        *(Membership("liga-test", f"scripted:{k}", "Group B") for k in "ef"),
    ]
    matches = [match("1", home="c", away="a", status=S.FINISHED, score=(1, 0))]
    result = snapshot(matches, rules="uefa_euro", season="2016", memberships=memberships)
    *groups, thirds = result.tables
    assert [t.group for t in groups] == ["Group A", "Group B"]
    assert (thirds.group, thirds.qualifying) == ("Third-placed teams", 4)
    assert sorted(str(row.from_group) for row in thirds.rows) == ["Group A", "Group B"]
    # Four thirds of two groups go through: both are, whatever is left to play.
    assert [dict(row.zones) for row in thirds.rows] == [{"qualified": "clinched"}] * 2
    before = snapshot(matches, rules="uefa_euro", season="1996", memberships=memberships)
    assert [t.group for t in before.tables] == ["Group A", "Group B"]


def test_the_season_of_an_import_is_given_or_that_of_the_first_kickoff() -> None:
    kickoffs = [T0, T0 - timedelta(days=200), None]
    assert import_season("premier_league", None, kickoffs) == "2025-26"
    assert import_season("premier_league", "1995/96", kickoffs) == "1995-96"
    assert import_season("brasileirao", None, kickoffs) == "2025"
    assert import_season("brasileirao", None, [None]) is None
    with pytest.raises(InvalidInput, match="calendar years"):
        import_season("mls", "2016-17", kickoffs)
    with pytest.raises(InvalidInput, match="unknown rules preset"):
        import_season("sunday_league", None, kickoffs)
