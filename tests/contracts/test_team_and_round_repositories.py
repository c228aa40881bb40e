"""The TeamRepository and RoundRepository contracts."""

from __future__ import annotations

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import Membership, Round, RoundKind, Team
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import round_, team, tournament
from tests.contracts.seed import seed, seed_league


class TestTeams:
    async def test_get_many_returns_the_teams_that_exist(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        saved = [Team("espn", "359", "Arsenal", "ARS"), Team("espn", "360", "Manchester United")]
        await seed(uow_factory, teams=saved)
        async with uow_factory() as uow:
            found = await uow.teams.get_many(["espn:359", "espn:360", "espn:999", "other:359"])
        assert dict(found) == {"espn:359": saved[0], "espn:360": saved[1]}

    async def test_get_many_of_nothing_is_empty(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            assert dict(await uow.teams.get_many([])) == {}

    async def test_save_many_updates_by_provider_and_external_id(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, teams=[Team("espn", "359", "Arsenal")])
        renamed = Team("espn", "359", "Arsenal FC", "ARS")
        await seed(uow_factory, teams=[renamed, Team("fd", "359", "Someone else")])
        async with uow_factory() as uow:
            found = await uow.teams.get_many(["espn:359", "fd:359"])
        assert found["espn:359"] == renamed
        assert found["fd:359"].name == "Someone else"

    async def test_members_are_ordered_by_group_then_key_groupless_last(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, "cup")
        members = [
            Membership("cup", "scripted:d", None),
            Membership("cup", "scripted:c", "B"),
            Membership("cup", "scripted:b", "A"),
            Membership("cup", "scripted:a", "B"),
        ]
        async with uow_factory() as uow:
            await uow.teams.set_members("cup", members)
            await uow.commit()
        async with uow_factory() as uow:
            listed = await uow.teams.members("cup")
        assert list(listed) == [members[2], members[3], members[1], members[0]]

    async def test_set_members_makes_the_membership_exactly_that(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, "liga")
        await seed(uow_factory, tournaments=[tournament("other")])
        async with uow_factory() as uow:
            await uow.teams.set_members(
                "liga", [Membership("liga", f"scripted:{key}") for key in "abc"]
            )
            await uow.teams.set_members("other", [Membership("other", "scripted:a")])
            await uow.commit()
        async with uow_factory() as uow:
            await uow.teams.set_members(
                "liga", [Membership("liga", "scripted:d", "X"), Membership("liga", "scripted:a")]
            )
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.teams.members("liga")) == [
                Membership("liga", "scripted:d", "X"),
                Membership("liga", "scripted:a"),
            ]
            assert list(await uow.teams.members("other")) == [Membership("other", "scripted:a")]
            assert list(await uow.teams.members("nowhere")) == []

    async def test_members_of_an_unknown_tournament_or_team_are_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, "liga")
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.teams.set_members("nowhere", [Membership("nowhere", "scripted:a")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.teams.set_members(
                    "liga", [Membership("liga", "scripted:a"), Membership("liga", "scripted:zz")]
                )
        async with uow_factory() as uow:
            assert list(await uow.teams.members("liga")) == []

    async def test_members_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory, "liga")
        async with uow_factory() as uow:
            await uow.teams.set_members("liga", [Membership("liga", "scripted:a")])
            assert len(await uow.teams.members("liga")) == 1
        async with uow_factory() as uow:
            assert list(await uow.teams.members("liga")) == []


class TestRounds:
    async def test_an_unknown_round_is_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory, "liga")
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.rounds.get("liga", "matchday-99")
            with pytest.raises(NotFound):
                await uow.rounds.get("nowhere", "matchday-1")

    async def test_rounds_read_back_equal_and_list_by_order_then_slug(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("cup"), tournament("other")])
        rounds = [
            Round("cup", "final", "Final", 9, RoundKind.KNOCKOUT, "F"),
            Round("cup", "group-b-1", "Group B, matchday 1", 1, RoundKind.GROUP, "B1"),
            Round("cup", "group-a-1", "Group A, matchday 1", 1, RoundKind.GROUP, "A1"),
            Round("cup", "semi-finals", "Semi-finals", 8, RoundKind.KNOCKOUT),
            round_("matchday-1", tournament_id="other", order=0),
        ]
        await seed(uow_factory, rounds=rounds)
        async with uow_factory() as uow:
            assert await uow.rounds.get("cup", "final") == rounds[0]
            listed = await uow.rounds.list("cup")
        assert list(listed) == [rounds[2], rounds[1], rounds[3], rounds[0]]

    async def test_save_many_updates_by_tournament_and_slug(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, "liga")
        moved = Round("liga", "matchday-1", "Jornada 1", 5, RoundKind.LEAGUE, "J1")
        await seed(uow_factory, rounds=[moved])
        async with uow_factory() as uow:
            assert list(await uow.rounds.list("liga")) == [moved]

    async def test_a_round_of_an_unknown_tournament_is_not_found_and_nothing_is_saved(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.rounds.save_many(
                    [round_("matchday-1", tournament_id="liga"), round_(tournament_id="nowhere")]
                )
        async with uow_factory() as uow:
            assert list(await uow.rounds.list("liga")) == []

    async def test_rounds_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        async with uow_factory() as uow:
            await uow.rounds.save_many([round_(tournament_id="liga")])
        async with uow_factory() as uow:
            assert list(await uow.rounds.list("liga")) == []

    async def test_teams_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            await uow.teams.save_many([team("a")])
        async with uow_factory() as uow:
            assert dict(await uow.teams.get_many(["scripted:a"])) == {}
