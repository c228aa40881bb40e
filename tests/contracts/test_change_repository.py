"""The ChangeRepository contract."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, match, state
from tests.contracts.seed import seed_league


def change(
    key: str = "scripted:m1",
    at: int = 0,
    *,
    reason: str = "scheduled -> live 0-0",
    tournament_id: str = "liga-test",
) -> MatchChange:
    return MatchChange(
        match=key,
        tournament_id=tournament_id,
        round_slug="matchday-1",
        kind=ChangeKind.UPDATED,
        before=state(),
        after=state(MatchStatus.LIVE, (0, 0)),
        reason=reason,
        recorded_at=T0 + timedelta(minutes=at),
    )


class TestChanges:
    async def test_changes_read_back_equal_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1"), match("m2", home="c", away="d")])
        created = MatchChange(
            "scripted:m1",
            "liga-test",
            "matchday-1",
            ChangeKind.CREATED,
            None,
            state(),
            "imported",
            T0 - timedelta(days=3),
        )
        later = change(at=10, reason="later")
        tie_first = change(at=5, reason="tie, recorded first")
        tie_second = change(at=5, reason="tie, recorded second")
        other = change("scripted:m2", at=1)
        async with uow_factory() as uow:
            await uow.changes.record_many([later, tie_first])
            await uow.changes.record_many([created, tie_second, other])
            await uow.commit()
        async with uow_factory() as uow:
            of_match = list(await uow.changes.for_match("scripted:m1"))
            of_tournament = list(await uow.changes.for_tournament("liga-test"))
            assert list(await uow.changes.for_match("scripted:none")) == []
            assert list(await uow.changes.for_tournament("nowhere")) == []
        assert of_match == [created, tie_first, tie_second, later]
        assert of_tournament == [created, other, tie_first, tie_second, later]

    async def test_a_change_of_an_unknown_match_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.changes.record_many([change("scripted:m1"), change("scripted:zz")])

    async def test_changes_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory, matches=[match("m1")])
        async with uow_factory() as uow:
            await uow.changes.record_many([change()])
            assert len(await uow.changes.for_match("scripted:m1")) == 1
        async with uow_factory() as uow:
            assert list(await uow.changes.for_match("scripted:m1")) == []
