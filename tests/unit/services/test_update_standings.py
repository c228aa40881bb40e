from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.model import (
    Fixtures,
    MatchStatus,
    Observation,
    PointAdjustment,
    RoundKind,
    SourceMatch,
    SourceRound,
    SourceTeam,
)
from bestshot_domain.standings import StandingsRow
from tests.builders import T0, observation
from tests.unit.services.conftest import World

S = MatchStatus


def points(rows: tuple[StandingsRow, ...]) -> list[tuple[str, int, int]]:
    return [(row.team.removeprefix("scripted:"), row.played, row.points) for row in rows]


async def test_the_table_counts_the_stored_results_and_is_stored_with_its_time(
    imported: World,
) -> None:
    world = imported
    world.source.report(
        "liga",
        observation("matchday-1-t1-t4", score=(2, 0)),
        observation("matchday-1-t2-t3", score=(1, 1)),
    )
    await world.update_round("matchday-1")
    world.clock.set(T0 + timedelta(hours=6))
    snapshot = await world.update_standings()
    (table,) = snapshot.tables
    # t3 drew 1-1 away at t2: the Premier League's head-to-head away goals put it ahead.
    assert points(table.rows) == [("t1", 1, 3), ("t3", 1, 1), ("t2", 1, 1), ("t4", 1, 0)]
    assert table.rows[0].name == "Team T1"
    assert (snapshot.tournament_id, snapshot.rules) == ("liga-test", "premier_league")
    assert snapshot.computed_at == T0 + timedelta(hours=6)
    async with world.uow_factory() as uow:
        assert await uow.standings.get("liga-test") == snapshot


async def test_before_any_result_every_team_has_played_nothing(imported: World) -> None:
    snapshot = await imported.update_standings()
    (table,) = snapshot.tables
    assert [(row.played, row.points) for row in table.rows] == [(0, 0)] * 4


async def test_awarded_results_count_cancelled_and_unplayed_matches_do_not(
    imported: World,
) -> None:
    world = imported
    world.source.report(
        "liga",
        observation("matchday-1-t1-t4", S.AWARDED, (0, 3)),
        observation("matchday-1-t2-t3", S.LIVE, (5, 0)),
        observation("matchday-2-t1-t3", S.CANCELLED),
    )
    await world.update_round("matchday-1")
    await world.update_round("matchday-2")
    (table,) = (await world.update_standings()).tables
    assert points(table.rows)[0] == ("t4", 1, 3)
    assert sum(row.played for row in table.rows) == 2


async def test_point_adjustments_are_applied(imported: World) -> None:
    world = imported
    async with world.uow_factory() as uow:
        await uow.adjustments.save(PointAdjustment("liga-test", "scripted:t2", -10, "x"))
        await uow.adjustments.save(PointAdjustment("liga-test", "scripted:t2", 4, "y"))
        await uow.commit()
    (table,) = (await world.update_standings()).tables
    assert points(table.rows)[-1] == ("t2", 0, -6)


async def test_knockout_rounds_never_count_and_groups_get_their_own_tables(world: World) -> None:
    teams = tuple(
        SourceTeam(team, team.upper(), group=f"Group {team[0].upper()}")
        for team in ("a1", "a2", "b1", "b2")
    )
    rounds = (
        SourceRound("group-1", "Group stage, matchday 1", 1, RoundKind.GROUP),
        SourceRound("final", "Final", 2, RoundKind.KNOCKOUT),
    )

    def played(
        external_id: str, round_slug: str, home: str, away: str, score: tuple[int, int]
    ) -> SourceMatch:
        return SourceMatch(
            round_slug, home, away, observation(external_id, score=score, kickoff=T0)
        )

    world.source.publish(
        "cup",
        Fixtures(
            "scripted",
            teams,
            rounds,
            (
                played("g1", "group-1", "a1", "a2", (1, 0)),
                played("g2", "group-1", "b1", "b2", (0, 2)),
                played("f", "final", "a1", "b2", (0, 4)),
            ),
        ),
    )
    await world.import_("Cup 2026", reference="cup", rules="fifa_world_cup")
    snapshot = await world.update_standings("cup-2026")
    assert [table.group for table in snapshot.tables] == ["Group A", "Group B"]
    group_a, group_b = snapshot.tables
    assert [(r.team, r.played, r.goals_against) for r in group_a.rows] == [
        ("scripted:a1", 1, 0),
        ("scripted:a2", 1, 1),
    ]
    assert [(r.team, r.played, r.goals_for) for r in group_b.rows] == [
        ("scripted:b2", 1, 2),
        ("scripted:b1", 1, 0),
    ]


async def test_zones_come_from_the_tournament(world: World, fixtures: Fixtures) -> None:
    world.source.publish("liga", fixtures)
    await world.import_(zones="1:champion,4:relegation")
    (table,) = (await world.update_standings()).tables
    assert [row.zone for row in table.rows] == ["champion", None, None, "relegation"]


async def test_an_unknown_tournament_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await world.update_standings("nowhere")


async def test_a_tournament_whose_rules_vanished_is_invalid_input(imported: World) -> None:
    world = imported
    async with world.uow_factory() as uow:
        stored = await uow.tournaments.get("liga-test")
        await uow.tournaments.save(attrs.evolve(stored, rules="retired_preset"))
        await uow.commit()
    with pytest.raises(InvalidInput):
        await world.update_standings()
    async with world.uow_factory() as uow:
        assert await uow.standings.get("liga-test") is None


async def test_a_remaining_fixture_is_not_a_result(imported: World) -> None:
    world = imported
    world.source.report("liga", Observation("matchday-1-t1-t4", S.POSTPONED))
    await world.update_round("matchday-1")
    (table,) = (await world.update_standings()).tables
    assert all(row.played == 0 for row in table.rows)
