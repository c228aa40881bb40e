"""The DisciplineRepository contract."""

from __future__ import annotations

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import Cards, MatchDiscipline
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import match
from tests.contracts.seed import seed_league


class TestDiscipline:
    async def test_cards_of_the_tournaments_matches_by_match_then_team(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m2"), match("m1", home="c", away="d")])
        await seed_league(uow_factory, "other", matches=[match("m3", tournament_id="other")])
        records = [
            MatchDiscipline("scripted:m2", "scripted:b", Cards(yellow=2)),
            MatchDiscipline("scripted:m2", "scripted:a", Cards(1, 1, 0, 0)),
            MatchDiscipline("scripted:m1", "scripted:d", Cards(0, 0, 1, 1)),
            MatchDiscipline("scripted:m3", "scripted:a", Cards(yellow=5)),
        ]
        async with uow_factory() as uow:
            await uow.discipline.save_many(records)
            await uow.commit()
        async with uow_factory() as uow:
            listed = list(await uow.discipline.for_tournament("liga-test"))
            assert list(await uow.discipline.for_tournament("other")) == [records[3]]
        assert listed == [records[2], records[1], records[0]]

    async def test_cards_are_replaced_by_match_and_team(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            await uow.discipline.save_many(
                [MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=1))]
            )
            await uow.commit()
        corrected = MatchDiscipline("scripted:m1", "scripted:a", Cards(yellow=2, red=1))
        async with uow_factory() as uow:
            await uow.discipline.save_many([corrected])
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.discipline.for_tournament("liga-test")) == [corrected]

    @pytest.mark.parametrize(
        "broken",
        [
            MatchDiscipline("scripted:zz", "scripted:a", Cards(yellow=1)),
            MatchDiscipline("scripted:m1", "scripted:zz", Cards(yellow=1)),
        ],
        ids=["match", "team"],
    )
    async def test_cards_referring_to_nothing_are_not_found(
        self, uow_factory: UnitOfWorkFactory, broken: MatchDiscipline
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.discipline.save_many([broken])
