"""The OverrideRepository contract, and the history page of the ChangeRepository."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus, Override
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, match, state
from tests.contracts.seed import seed_league

FINAL = state(MatchStatus.FINISHED, (2, 1))


def override(key: str = "scripted:m1", **changes: object) -> Override:
    values: dict[str, object] = {
        "match": key,
        "state": FINAL,
        "reason": "the official report says 2-1",
        "by": "admin@example.org",
        "at": T0,
    }
    values.update(changes)
    return Override(**values)  # type: ignore[arg-type]


async def seeded(uow_factory: UnitOfWorkFactory) -> None:
    await seed_league(
        uow_factory,
        rounds=("matchday-1", "matchday-2"),
        matches=[
            match("m1"),
            match("m2", home="c", away="d"),
            match("m3", round_slug="matchday-2", home="a", away="c"),
        ],
    )


class TestOverrides:
    async def test_overrides_read_back_equal_by_match_and_by_round(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        first = override()
        seen = override(
            "scripted:m2",
            state=state(MatchStatus.FINISHED, (4, 3), ended=None, shootout=None),
            provider_says=state(MatchStatus.FINISHED, (1, 1), shootout=(4, 3)),
            provider_at=T0 + timedelta(minutes=5),
        )
        other_round = override("scripted:m3", state=state(MatchStatus.POSTPONED))
        async with uow_factory() as uow:
            await uow.overrides.save_many([first, seen, other_round])
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.overrides.get("scripted:m1") == first
            assert await uow.overrides.get("scripted:m2") == seen
            assert await uow.overrides.get("scripted:zz") is None
            assert dict(await uow.overrides.for_round("liga-test", "matchday-1")) == {
                "scripted:m1": first,
                "scripted:m2": seen,
            }
            assert dict(await uow.overrides.for_round("liga-test", "matchday-2")) == {
                "scripted:m3": other_round
            }
            assert dict(await uow.overrides.for_round("nowhere", "matchday-1")) == {}

    async def test_saving_again_replaces_and_delete_says_whether_there_was_one(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        replaced = override(reason="second thoughts", provider_says=FINAL, provider_at=T0)
        async with uow_factory() as uow:
            await uow.overrides.save_many([override()])
            await uow.overrides.save_many([replaced])
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.overrides.get("scripted:m1") == replaced
            assert await uow.overrides.delete("scripted:m1") is True
            assert await uow.overrides.delete("scripted:m1") is False
            assert await uow.overrides.get("scripted:m1") is None
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.overrides.get("scripted:m1") is None

    async def test_an_override_of_an_unknown_match_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.overrides.save_many([override(), override("scripted:zz")])
            assert await uow.overrides.get("scripted:m1") is None

    async def test_overrides_roll_back_unless_committed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        async with uow_factory() as uow:
            await uow.overrides.save_many([override()])
            assert await uow.overrides.get("scripted:m1") == override()
        async with uow_factory() as uow:
            assert await uow.overrides.get("scripted:m1") is None


def change(n: int, key: str = "scripted:m1", *, source: str = "") -> MatchChange:
    return MatchChange(
        key,
        "liga-test",
        "matchday-1",
        ChangeKind.OVERRIDE if source else ChangeKind.UPDATED,
        state(),
        state(MatchStatus.LIVE, (n, 0)),
        f"change {n}",
        # Out of time order on purpose: the history lists in the order recorded.
        T0 + timedelta(minutes=10 - n),
        source=source,
    )


class TestHistory:
    async def test_a_match_history_is_paged_newest_first_with_growing_ids(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        mine = [change(n, source="admin" if n == 3 else "") for n in range(5)]
        async with uow_factory() as uow:
            await uow.changes.record_many(mine[:2])
            await uow.changes.record_many([change(9, "scripted:m2"), *mine[2:]])
            await uow.commit()
        async with uow_factory() as uow:
            everything = list(await uow.changes.history("scripted:m1"))
            first = list(await uow.changes.history("scripted:m1", limit=2))
            second = list(await uow.changes.history("scripted:m1", before=first[-1].id, limit=2))
            last = list(await uow.changes.history("scripted:m1", before=second[-1].id, limit=2))
            assert list(await uow.changes.history("scripted:none")) == []
            with pytest.raises(InvalidInput):
                await uow.changes.history("scripted:m1", limit=0)
        assert [recorded.change for recorded in everything] == mine[::-1]
        ids = [recorded.id for recorded in everything]
        assert ids == sorted(ids, reverse=True)
        assert len(set(ids)) == 5
        assert [*first, *second, *last] == everything
        assert everything[1].change.source == "admin"

    async def test_the_history_sees_its_own_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        async with uow_factory() as uow:
            await uow.changes.record_many([change(1)])
            (recorded,) = await uow.changes.history("scripted:m1")
            assert recorded.change == change(1)
        async with uow_factory() as uow:
            assert list(await uow.changes.history("scripted:m1")) == []
