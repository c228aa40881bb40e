"""The AdjustmentRepository contract."""

from __future__ import annotations

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import PointAdjustment
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import tournament
from tests.contracts.seed import seed, seed_league


class TestAdjustments:
    async def test_adjustments_are_listed_by_team_then_reason(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        saved = [
            PointAdjustment("liga-test", "scripted:b", -10, "administration"),
            PointAdjustment("liga-test", "scripted:a", -3, "unpaid wages"),
            PointAdjustment("liga-test", "scripted:a", -1, "fielded an ineligible player"),
            PointAdjustment("other", "scripted:a", -6),
        ]
        async with uow_factory() as uow:
            for adjustment in saved:
                await uow.adjustments.save(adjustment)
            await uow.commit()
        async with uow_factory() as uow:
            listed = list(await uow.adjustments.for_tournament("liga-test"))
            assert list(await uow.adjustments.for_tournament("nowhere")) == []
        assert listed == [saved[2], saved[1], saved[0]]

    async def test_an_adjustment_is_replaced_by_tournament_team_and_reason(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            await uow.adjustments.save(PointAdjustment("liga-test", "scripted:a", -10, "x"))
            await uow.adjustments.save(PointAdjustment("liga-test", "scripted:a", -9, "x"))
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.adjustments.for_tournament("liga-test")) == [
                PointAdjustment("liga-test", "scripted:a", -9, "x")
            ]

    async def test_deleting_a_teams_adjustments_removes_them_all_and_only_them(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        kept = [
            PointAdjustment("liga-test", "scripted:b", -10, "administration"),
            PointAdjustment("other", "scripted:a", -6, "elsewhere"),
        ]
        async with uow_factory() as uow:
            for adjustment in [
                *kept,
                PointAdjustment("liga-test", "scripted:a", -3, "unpaid wages"),
                PointAdjustment("liga-test", "scripted:a", -1, "ineligible player"),
            ]:
                await uow.adjustments.save(adjustment)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.adjustments.delete_for_team("liga-test", "scripted:a") == 2
            # Seen inside the unit of work, and gone with it when it is not committed.
            assert list(await uow.adjustments.for_tournament("liga-test")) == kept[:1]
        async with uow_factory() as uow:
            assert len(await uow.adjustments.for_tournament("liga-test")) == 3
            assert await uow.adjustments.delete_for_team("liga-test", "scripted:a") == 2
            assert await uow.adjustments.delete_for_team("liga-test", "scripted:a") == 0
            assert await uow.adjustments.delete_for_team("nowhere", "scripted:zz") == 0
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.adjustments.for_tournament("liga-test")) == kept[:1]
            assert list(await uow.adjustments.for_tournament("other")) == kept[1:]
            # Deleted, then saved again in one unit of work: the new one stands.
            await uow.adjustments.delete_for_team("liga-test", "scripted:b")
            await uow.adjustments.save(kept[0])
            await uow.commit()
        async with uow_factory() as uow:
            assert list(await uow.adjustments.for_tournament("liga-test")) == kept[:1]

    @pytest.mark.parametrize(
        "broken",
        [
            PointAdjustment("nowhere", "scripted:a", -1),
            PointAdjustment("liga-test", "scripted:zz", -1),
        ],
        ids=["tournament", "team"],
    )
    async def test_an_adjustment_referring_to_nothing_is_not_found(
        self, uow_factory: UnitOfWorkFactory, broken: PointAdjustment
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.adjustments.save(broken)
