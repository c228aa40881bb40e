"""The StandingsRepository's revision contract: every write to what a tournament's tables are
computed from raises the tournament's standings revision (and only such writes, and only its
own tournament's), a rollback takes the raise back, concurrent raises add up, and a snapshot
keeps the revision and engine it was stored with."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from bestshot_domain.errors import Conflict, NotFound
from bestshot_domain.model import (
    Cards,
    MatchDiscipline,
    MatchStatus,
    Membership,
    PointAdjustment,
    RoundKind,
    StandingsSnapshot,
    StandingsStatus,
)
from bestshot_domain.ports import UnitOfWork, UnitOfWorkFactory
from tests.builders import T0, match, round_, team, tournament
from tests.contracts.seed import seed, seed_league

LIGA = "liga-test"
OTHER = "other"
MEMBERS = (
    Membership(LIGA, "scripted:a"),
    Membership(LIGA, "scripted:b"),
    Membership(LIGA, "scripted:c"),
)
CARDS = MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=1))
DEDUCTION = PointAdjustment(LIGA, "scripted:a", -3, "wages")

Write = Callable[[UnitOfWork], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    name: str
    write: Write

    def __str__(self) -> str:
        return self.name


async def seed_world(factory: UnitOfWorkFactory) -> None:
    """liga-test: teams a-c as members, one match with cards and a deduction; other: its own
    match of c and d, with c as its member; team e, a member of neither."""
    await seed_league(factory, matches=[match("m1")])
    await seed(factory, tournaments=[tournament(OTHER, reference="other")], teams=[team("e")])
    await seed(
        factory,
        rounds=[round_(tournament_id=OTHER)],
        matches=[match("x1", home="c", away="d", tournament_id=OTHER)],
    )
    async with factory() as uow:
        await uow.teams.set_members(LIGA, MEMBERS)
        await uow.teams.set_members(OTHER, [Membership(OTHER, "scripted:c")])
        await uow.discipline.save_many([CARDS])
        await uow.adjustments.save(DEDUCTION)
        await uow.commit()


async def revision(factory: UnitOfWorkFactory, tournament_id: str = LIGA) -> int:
    async with factory() as uow:
        return (await uow.standings.status(tournament_id)).revision


RAISING = [
    Case("a match inserted", lambda uow: uow.matches.save_many([match("m2", home="c", away="a")])),
    Case(
        "a match changed",
        lambda uow: uow.matches.save_many(
            [match("m1", status=MatchStatus.LIVE, score=(1, 0), version=1)]
        ),
    ),
    Case(
        "cards stored",
        lambda uow: uow.discipline.save_many(
            [MatchDiscipline("scripted:m1", "scripted:b", Cards(red=1))]
        ),
    ),
    Case(
        "cards changed",
        lambda uow: uow.discipline.save_many(
            [MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=2))]
        ),
    ),
    Case(
        "an adjustment stored",
        lambda uow: uow.adjustments.save(PointAdjustment(LIGA, "scripted:b", -1, "x")),
    ),
    Case(
        "an adjustment changed",
        lambda uow: uow.adjustments.save(PointAdjustment(LIGA, "scripted:a", -6, "wages")),
    ),
    Case("adjustments deleted", lambda uow: uow.adjustments.delete_for_team(LIGA, "scripted:a")),
    Case(
        "a member added",
        lambda uow: uow.teams.set_members(LIGA, [*MEMBERS, Membership(LIGA, "scripted:d")]),
    ),
    Case("a member removed", lambda uow: uow.teams.set_members(LIGA, MEMBERS[:2])),
    Case(
        "a member moved to a group",
        lambda uow: uow.teams.set_members(
            LIGA, [*MEMBERS[:2], Membership(LIGA, "scripted:c", "A")]
        ),
    ),
    Case("a round inserted", lambda uow: uow.rounds.save_many([round_("matchday-2", order=2)])),
    Case(
        "a round turned knockout",
        lambda uow: uow.rounds.save_many([round_(kind=RoundKind.KNOCKOUT)]),
    ),
    Case("a round renamed", lambda uow: uow.rounds.save_many([round_("matchday-1", order=3)])),
    Case("a member team renamed", lambda uow: uow.teams.save_many([team("a", "Athletic A")])),
    Case("the rules changed", lambda uow: uow.tournaments.save(tournament(rules="la_liga"))),
    Case("the zones changed", lambda uow: uow.tournaments.save(tournament(zones="1:champion"))),
    Case("the season changed", lambda uow: uow.tournaments.save(tournament(season="1995-96"))),
]

NOT_RAISING = [
    Case("the tournament saved as it is", lambda uow: uow.tournaments.save(tournament())),
    Case(
        "its label and time zone changed",
        lambda uow: uow.tournaments.save(tournament(label="Liga", timezone="Europe/Madrid")),
    ),
    Case("the teams saved as they are", lambda uow: uow.teams.save_many([team("a"), team("b")])),
    Case("a team of no tournament renamed", lambda uow: uow.teams.save_many([team("e", "E")])),
    Case(
        "a team of another tournament renamed",
        lambda uow: uow.teams.save_many([team("d", "Deportivo D")]),
    ),
    Case(
        "the members set as they are, in another order",
        lambda uow: uow.teams.set_members(LIGA, MEMBERS[::-1]),
    ),
    Case("the rounds saved as they are", lambda uow: uow.rounds.save_many([round_()])),
    Case("the adjustment saved as it is", lambda uow: uow.adjustments.save(DEDUCTION)),
    Case("the cards saved as they are", lambda uow: uow.discipline.save_many([CARDS])),
    Case(
        "no adjustment to delete", lambda uow: uow.adjustments.delete_for_team(LIGA, "scripted:b")
    ),
    Case(
        "another tournament's match changed",
        lambda uow: uow.matches.save_many(
            [match("x1", home="c", away="d", tournament_id=OTHER, version=1)]
        ),
    ),
    Case(
        "another tournament's adjustment stored",
        lambda uow: uow.adjustments.save(PointAdjustment(OTHER, "scripted:c", -2, "x")),
    ),
    Case(
        "the tables stored",
        lambda uow: uow.standings.save(StandingsSnapshot(LIGA, "premier_league", T0)),
    ),
]


class TestStandingsRevision:
    async def test_a_new_tournament_starts_at_zero_with_no_snapshot(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament(rules="la_liga")])
        async with uow_factory() as uow:
            assert await uow.standings.status(LIGA) == StandingsStatus(0, "la_liga", None)

    async def test_the_status_of_an_unknown_tournament_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.status("nowhere")

    @pytest.mark.parametrize("case", RAISING, ids=str)
    async def test_each_write_to_a_table_input_raises_it(
        self, uow_factory: UnitOfWorkFactory, case: Case
    ) -> None:
        await seed_world(uow_factory)
        before, other_before = await revision(uow_factory), await revision(uow_factory, OTHER)
        async with uow_factory() as uow:
            await case.write(uow)
            assert (await uow.standings.status(LIGA)).revision > before  # seen by the writer
            await uow.commit()
        assert await revision(uow_factory) > before
        if case.name != "a member team renamed":  # a is no member of the other
            assert await revision(uow_factory, OTHER) == other_before

    @pytest.mark.parametrize("case", NOT_RAISING, ids=str)
    async def test_a_write_that_changes_no_table_input_of_it_leaves_it(
        self, uow_factory: UnitOfWorkFactory, case: Case
    ) -> None:
        await seed_world(uow_factory)
        before = await revision(uow_factory)
        async with uow_factory() as uow:
            await case.write(uow)
            await uow.commit()
        assert await revision(uow_factory) == before

    async def test_a_renamed_team_raises_every_tournament_it_plays_in(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_world(uow_factory)
        before = {t: await revision(uow_factory, t) for t in (LIGA, OTHER)}
        async with uow_factory() as uow:
            await uow.teams.save_many([team("c", "Club C")])
            await uow.commit()
        after = {t: await revision(uow_factory, t) for t in (LIGA, OTHER)}
        assert all(after[t] > before[t] for t in (LIGA, OTHER))

    async def test_a_match_moved_to_another_tournament_raises_both(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_world(uow_factory)
        before = {t: await revision(uow_factory, t) for t in (LIGA, OTHER)}
        async with uow_factory() as uow:
            await uow.matches.save_many([match("m1", tournament_id=OTHER, version=1)])
            await uow.commit()
        after = {t: await revision(uow_factory, t) for t in (LIGA, OTHER)}
        assert all(after[t] > before[t] for t in (LIGA, OTHER))

    async def test_a_write_rolled_back_takes_its_raise_back(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_world(uow_factory)
        before = await revision(uow_factory)
        async with uow_factory() as uow:
            await uow.adjustments.delete_for_team(LIGA, "scripted:a")
            await uow.rounds.save_many([round_(kind=RoundKind.KNOCKOUT)])
            assert (await uow.standings.status(LIGA)).revision > before
        assert await revision(uow_factory) == before
        async with uow_factory() as uow:
            await uow.matches.save_many([match("m2", home="c", away="a")])
            await uow.rollback()
            assert (await uow.standings.status(LIGA)).revision == before
        assert await revision(uow_factory) == before

    async def test_a_write_that_fails_raises_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_world(uow_factory)
        before = await revision(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(Conflict):  # m1 is at version 0: version 5 is a stale update
                await uow.matches.save_many([match("m2", home="c", away="a"), match(version=5)])
            with pytest.raises(NotFound):
                await uow.discipline.save_many(
                    [MatchDiscipline("scripted:nothing", "scripted:a", Cards(red=1))]
                )
            assert (await uow.standings.status(LIGA)).revision == before
            await uow.commit()
        assert await revision(uow_factory) == before

    async def test_concurrent_writers_raises_add_up(self, uow_factory: UnitOfWorkFactory) -> None:
        # Neither locks the tournament: the second may have to wait for the first to end (as
        # on a row PostgreSQL), but neither raise is lost, whatever the interleaving.
        await seed_world(uow_factory)
        before = await revision(uow_factory)

        async def deduct(team_key: str) -> None:
            async with uow_factory() as uow:
                await uow.adjustments.save(PointAdjustment(LIGA, team_key, -1, "late"))
                await uow.commit()

        async with uow_factory() as uow:
            await uow.adjustments.save(PointAdjustment(LIGA, "scripted:b", -1, "late"))
            other = asyncio.create_task(deduct("scripted:c"))
            for _ in range(5):  # let the other writer get as far as it can
                await asyncio.sleep(0)
            await uow.commit()
        await other
        assert await revision(uow_factory) >= before + 2

    async def test_a_snapshot_keeps_its_revision_and_engine_and_the_status_shows_it(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_world(uow_factory)
        current = await revision(uow_factory)
        snapshot = StandingsSnapshot(LIGA, "fifa", T0, (), current - 1, "bestshot 9, engine 3")
        async with uow_factory() as uow:
            await uow.standings.save(snapshot)
            assert await uow.standings.get(LIGA) == snapshot
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.get(LIGA) == snapshot
            assert await uow.standings.status(LIGA) == StandingsStatus(
                current, "premier_league", snapshot
            )
            assert await uow.standings.get(OTHER) is None
            assert (await uow.standings.status(OTHER)).snapshot is None
