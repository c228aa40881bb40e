"""The StandingsRepository's `inputs`: all a tournament's tables are computed from, in one read,
exactly as the repositories give it piece by piece."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve, frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bestshot_domain.errors import NotFound
from bestshot_domain.model import (
    Cards,
    Match,
    MatchDiscipline,
    MatchStatus,
    Membership,
    PointAdjustment,
    Round,
    RoundKind,
    StandingsSnapshot,
    TableMatch,
    Team,
    Tournament,
)
from bestshot_domain.ports import UnitOfWork, UnitOfWorkFactory
from bestshot_domain.tables import era_of
from tests.builders import T0, match, team, tournament
from tests.contracts.seed import piece_by_piece, seed_league

TEAM_IDS = ("a", "b", "c", "d", "e", "f")
PLAYED = {MatchStatus.LIVE, MatchStatus.FINISHED}


@frozen
class World:
    """A tournament and everything stored about it, plus a neighbour that must not leak in."""

    tournament: Tournament
    teams: tuple[Team, ...]
    members: tuple[Membership, ...]
    rounds: tuple[Round, ...]
    matches: tuple[Match, ...]
    adjustments: tuple[PointAdjustment, ...]
    discipline: tuple[MatchDiscipline, ...]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    liga = tournament(
        "liga-test",
        label=draw(st.sampled_from(["Liga Test", "Ligue Été", "リーグ"])),
        rules=draw(st.sampled_from(["premier_league", "fifa_world_cup", "la_liga"])),
        zones=draw(st.sampled_from(["", "1:champion,4-6:relegation"])),
    )
    teams = tuple(
        team(key, name=draw(st.sampled_from([f"Team {key}", f"Équipe {key}"]))) for key in TEAM_IDS
    )
    grouped = draw(st.dictionaries(st.sampled_from(TEAM_IDS), st.sampled_from([None, "A", "B"])))
    members = tuple(
        Membership("liga-test", f"scripted:{key}", group) for key, group in grouped.items()
    )
    round_specs = draw(
        st.lists(
            st.tuples(st.integers(1, 3), st.sampled_from(RoundKind)),
            min_size=1,
            max_size=4,
        )
    )
    rounds = tuple(
        Round("liga-test", f"round-{index}", f"Round {index}", order, kind, str(index))
        for index, (order, kind) in enumerate(round_specs)
    )
    matches = []
    for index in range(draw(st.integers(0, 8))):
        home, away = draw(st.lists(st.sampled_from(TEAM_IDS), min_size=2, max_size=2, unique=True))
        status = draw(st.sampled_from(MatchStatus))
        score = draw(st.tuples(st.integers(0, 5), st.integers(0, 5))) if status in PLAYED else None
        matches.append(
            match(
                f"m{index}",
                home=home,
                away=away,
                round_slug=draw(st.sampled_from(rounds)).slug,
                status=status,
                score=score,
                kickoff=T0 + timedelta(minutes=draw(st.integers(0, 3)) * 90),
                group=draw(st.sampled_from([None, "A"])),
                version=draw(st.integers(0, 3)),
            )
        )
    adjustments = {
        (key, reason): PointAdjustment("liga-test", f"scripted:{key}", points, reason)
        for key, points, reason in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(TEAM_IDS),
                    st.integers(-12, 3),
                    st.sampled_from(["", "administration", "wages"]),
                ),
                max_size=4,
            )
        )
    }
    discipline = {
        (played.key, side): MatchDiscipline(played.key, side, Cards(*cards))
        for played, side, cards in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(matches) if matches else st.nothing(),
                    st.sampled_from([f"scripted:{key}" for key in TEAM_IDS]),
                    st.tuples(*[st.integers(0, 3)] * 4),
                ),
                max_size=4 if matches else 0,
            )
        )
    }
    return World(
        liga,
        teams,
        members,
        rounds,
        tuple(matches),
        tuple(adjustments.values()),
        tuple(discipline.values()),
    )


async def store(uow: UnitOfWork, world: World) -> None:
    await uow.tournaments.save(world.tournament)
    await uow.teams.save_many(world.teams)
    await uow.teams.set_members(world.tournament.id, world.members)
    await uow.rounds.save_many(world.rounds)
    await uow.matches.save_many(world.matches)
    for adjustment in world.adjustments:
        await uow.adjustments.save(adjustment)
    await uow.discipline.save_many(world.discipline)


class TestStandingsInputs:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(world=worlds())
    async def test_inputs_are_the_pieces_read_one_by_one(
        self, uow_factory: UnitOfWorkFactory, world: World
    ) -> None:
        # Written and read in one unit of work that is never committed: each example starts
        # from the same neighbour-only database, and inputs must see the unit's own writes.
        await _ensure_neighbour(uow_factory)
        async with uow_factory() as uow:
            await store(uow, world)
            inputs = await uow.standings.inputs("liga-test")
            assert inputs == await piece_by_piece(uow, "liga-test")
            # With no tables stored yet, the standings update's first read has them too.
            assert await uow.standings.current("liga-test", "engine") == (
                await uow.standings.status("liga-test"),
                inputs,
            )
        assert inputs.tournament == world.tournament
        assert set(inputs.members) == set(world.members)
        knockout = {r.slug for r in world.rounds if r.kind is RoundKind.KNOCKOUT}
        assert {(r.home, r.away, r.kickoff) for r in inputs.results} == {
            (m.home, m.away, m.kickoff)
            for m in world.matches
            if m.round_slug not in knockout and m.status is not MatchStatus.CANCELLED
        }
        assert set(inputs.knockout) == {
            TableMatch.of(m) for m in world.matches if m.round_slug in knockout
        }
        assert set(inputs.adjustments) == set(world.adjustments)
        # Cards come with the results only where the rules of the season count them.
        counted = era_of(world.tournament).counts_cards
        carded = {(d.match, d.team) for d in world.discipline} if counted else set()
        assert sum(
            (r.home_cards is not None) + (r.away_cards is not None) for r in inputs.results
        ) == sum(
            ((m.key, m.home) in carded) + ((m.key, m.away) in carded)
            for m in world.matches
            if m.round_slug not in knockout and m.status is not MatchStatus.CANCELLED
        )
        assert set(inputs.teams) == {member.team for member in world.members}

    async def test_an_unknown_tournament_is_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.inputs("nowhere")
            with pytest.raises(NotFound):
                await uow.standings.current("nowhere", "engine")

    async def test_current_reads_the_inputs_only_for_tables_that_are_not_current(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1", status=MatchStatus.SCHEDULED)])
        async with uow_factory() as uow:
            revision = (await uow.standings.status("liga-test")).revision
            stored = StandingsSnapshot("liga-test", "premier_league", T0, (), revision, "engine")
            await uow.standings.save(stored)
            await uow.commit()
        async with uow_factory() as uow:
            status = await uow.standings.status("liga-test")
            inputs = await uow.standings.inputs("liga-test")
            assert status.snapshot == stored
            assert await uow.standings.current("liga-test", "engine") == (status, None)
            # Another engine, other rules, a newer revision: the tables are computed again.
            assert await uow.standings.current("liga-test", "other engine") == (status, inputs)
            liga = await uow.tournaments.get("liga-test")
            await uow.tournaments.save(evolve(liga, rules="la_liga"))
            assert (await uow.standings.current("liga-test", "engine"))[1] is not None
            await uow.rollback()
            await uow.matches.save_many([match("m2", status=MatchStatus.SCHEDULED)])
            status, newer = await uow.standings.current("liga-test", "engine")
            assert status.revision > revision
            assert newer == await uow.standings.inputs("liga-test")


async def _ensure_neighbour(uow_factory: UnitOfWorkFactory) -> None:
    """Another tournament sharing the teams, with its own member, match, adjustment and cards."""
    async with uow_factory() as uow:
        if await uow.tournaments.list():
            return
    await seed_league(uow_factory, "other", matches=[match("x1", tournament_id="other")])
    async with uow_factory() as uow:
        await uow.teams.set_members("other", [Membership("other", "scripted:a", "A")])
        await uow.adjustments.save(PointAdjustment("other", "scripted:a", -6, "x"))
        await uow.discipline.save_many(
            [MatchDiscipline("scripted:x1", "scripted:a", Cards(yellow=1))]
        )
        await uow.commit()
