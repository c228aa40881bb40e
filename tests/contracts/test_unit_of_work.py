"""The UnitOfWork contract: one transaction, rolled back unless committed; the tournament lock;
and the TournamentRepository that carries it."""

from __future__ import annotations

import asyncio

import attrs
import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import tournament
from tests.contracts.seed import seed

# Generous: only reached when an adapter deadlocks, never by a passing run.
DEADLOCK_GUARD = 10


async def stored_label(factory: UnitOfWorkFactory, tournament_id: str) -> str | None:
    async with factory() as uow:
        try:
            return (await uow.tournaments.get(tournament_id)).label
        except NotFound:
            return None


class TestTournaments:
    async def test_an_unknown_tournament_is_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.tournaments.get("nowhere")

    async def test_a_saved_tournament_reads_back_equal(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        saved = tournament(
            "brasileirao-2026",
            label="Brasileirão Série A 2026",
            provider="espn",
            reference="bra.1",
            rules="brasileirao",
            timezone="America/Sao_Paulo",
            zones="1-4:libertadores,17-20:relegation",
            season="2026",
        )
        async with uow_factory() as uow:
            await uow.tournaments.save(saved)
            assert await uow.tournaments.get(saved.id) == saved  # its own write
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.tournaments.get(saved.id) == saved

    async def test_a_season_is_set_changed_and_cleared(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        for season in ("1995-96", "2016-17", None):
            await seed(uow_factory, tournaments=[tournament("liga", season=season)])
            async with uow_factory() as uow:
                assert (await uow.tournaments.get("liga")).season == season

    async def test_save_updates_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        renamed = tournament("liga", label="Liga Renamed", timezone="Europe/Lisbon")
        await seed(uow_factory, tournaments=[renamed])
        async with uow_factory() as uow:
            assert await uow.tournaments.list() == [renamed]

    async def test_list_is_ordered_by_id_in_code_point_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        ids = ["ab", "a_b", "a.b", "a-c", "b", "a1", "a"]
        await seed(uow_factory, tournaments=[tournament(i) for i in ids])
        async with uow_factory() as uow:
            listed = [t.id for t in await uow.tournaments.list()]
        assert listed == ["a", "a-c", "a.b", "a1", "a_b", "ab", "b"]


class TestTransactions:
    async def test_leaving_without_commit_rolls_back(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            await uow.tournaments.save(tournament("liga"))
        assert await stored_label(uow_factory, "liga") is None

    async def test_an_error_inside_rolls_back_and_propagates(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        class Boom(Exception):
            pass

        async def fail_midway() -> None:
            async with uow_factory() as uow:
                await uow.tournaments.save(tournament("liga"))
                raise Boom

        with pytest.raises(Boom):
            await fail_midway()
        assert await stored_label(uow_factory, "liga") is None

    async def test_rollback_discards_what_was_written(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed(uow_factory, tournaments=[tournament("liga", label="Before")])
        async with uow_factory() as uow:
            await uow.tournaments.save(tournament("liga", label="After"))
            await uow.rollback()
        assert await stored_label(uow_factory, "liga") == "Before"

    async def test_commit_keeps_everything_written(self, uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            await uow.tournaments.save(tournament("one"))
            await uow.tournaments.save(tournament("two"))
            await uow.commit()
        assert await stored_label(uow_factory, "one") is not None
        assert await stored_label(uow_factory, "two") is not None

    async def test_uncommitted_writes_are_invisible_to_another_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga", label="Before")])
        async with uow_factory() as writer:
            await writer.tournaments.save(tournament("liga", label="After"))
            await writer.tournaments.save(tournament("new"))
            async with uow_factory() as reader:
                assert (await reader.tournaments.get("liga")).label == "Before"
                with pytest.raises(NotFound):
                    await reader.tournaments.get("new")
            await writer.commit()
        assert await stored_label(uow_factory, "liga") == "After"


class TestLock:
    async def test_locking_an_unknown_tournament_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.tournaments.lock("nowhere")

    async def test_a_tournament_saved_in_this_unit_of_work_can_be_locked(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            await uow.tournaments.save(tournament("liga"))
            await uow.tournaments.lock("liga")
            await uow.commit()

    async def test_locking_twice_in_one_unit_of_work_does_not_wait(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        async with uow_factory() as uow:
            await asyncio.wait_for(uow.tournaments.lock("liga"), DEADLOCK_GUARD)
            await asyncio.wait_for(uow.tournaments.lock("liga"), DEADLOCK_GUARD)

    @pytest.mark.parametrize("ending", ["commit", "rollback", "leave", "error"])
    async def test_a_second_locker_waits_until_the_first_unit_of_work_ends(
        self, uow_factory: UnitOfWorkFactory, ending: str
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        events: list[str] = []
        first_holds = asyncio.Event()

        async def first() -> None:
            try:
                async with uow_factory() as uow:
                    await uow.tournaments.lock("liga")
                    events.append("first locked")
                    first_holds.set()
                    await asyncio.sleep(0.05)  # the second must be waiting by now
                    events.append("first ends")
                    if ending == "commit":
                        await uow.commit()
                    elif ending == "rollback":
                        await uow.rollback()
                    elif ending == "error":
                        raise LookupError(ending)
            except LookupError:
                pass

        async def second() -> None:
            await first_holds.wait()
            async with uow_factory() as uow:
                await uow.tournaments.lock("liga")
                events.append("second locked")

        await asyncio.wait_for(asyncio.gather(first(), second()), DEADLOCK_GUARD)
        assert events == ["first locked", "first ends", "second locked"]

    async def test_locks_of_different_tournaments_do_not_wait_for_each_other(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("one"), tournament("two")])
        both_locked = asyncio.Barrier(2)

        async def hold(tournament_id: str) -> None:
            async with uow_factory() as uow:
                await uow.tournaments.lock(tournament_id)
                await both_locked.wait()  # deadlocks if one waits for the other's lock

        await asyncio.wait_for(asyncio.gather(hold("one"), hold("two")), DEADLOCK_GUARD)

    async def test_concurrent_read_modify_write_under_the_lock_loses_no_update(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga", label="0")])

        async def increment() -> None:
            async with uow_factory() as uow:
                await uow.tournaments.lock("liga")
                current = await uow.tournaments.get("liga")
                await asyncio.sleep(0.001)  # let every other writer run into the lock
                await uow.tournaments.save(attrs.evolve(current, label=str(int(current.label) + 1)))
                await uow.commit()

        await asyncio.wait_for(asyncio.gather(*(increment() for _ in range(10))), DEADLOCK_GUARD)
        assert await stored_label(uow_factory, "liga") == "10"


class TestClaim:
    """`claim`: the lock of an id whose tournament an import may be about to create."""

    async def test_claiming_says_whether_the_tournament_exists(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        async with uow_factory() as uow:
            assert await uow.tournaments.claim("liga") is True
        async with uow_factory() as uow:
            assert await uow.tournaments.claim("nowhere") is False

    async def test_claiming_twice_or_claiming_then_locking_does_not_wait(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            assert not await asyncio.wait_for(uow.tournaments.claim("liga"), DEADLOCK_GUARD)
            assert not await asyncio.wait_for(uow.tournaments.claim("liga"), DEADLOCK_GUARD)
            await uow.tournaments.save(tournament("liga"))
            await asyncio.wait_for(uow.tournaments.lock("liga"), DEADLOCK_GUARD)
            assert await asyncio.wait_for(uow.tournaments.claim("liga"), DEADLOCK_GUARD)
            await uow.commit()

    @pytest.mark.parametrize("ending", ["commit", "rollback", "leave"])
    async def test_a_second_claimer_of_a_new_id_waits_and_then_sees_the_first_one_s_work(
        self, uow_factory: UnitOfWorkFactory, ending: str
    ) -> None:
        events: list[str] = []
        first_holds = asyncio.Event()
        second_found: list[bool] = []

        async def first() -> None:
            async with uow_factory() as uow:
                assert await uow.tournaments.claim("liga") is False
                events.append("first claimed")
                first_holds.set()
                await asyncio.sleep(0.05)  # the second must be waiting by now
                await uow.tournaments.save(tournament("liga"))
                events.append("first ends")
                if ending == "commit":
                    await uow.commit()
                elif ending == "rollback":
                    await uow.rollback()

        async def second() -> None:
            await first_holds.wait()
            async with uow_factory() as uow:
                second_found.append(await uow.tournaments.claim("liga"))
                events.append("second claimed")

        await asyncio.wait_for(asyncio.gather(first(), second()), DEADLOCK_GUARD)
        assert events == ["first claimed", "first ends", "second claimed"]
        assert second_found == [ending == "commit"]

    @pytest.mark.parametrize(("held", "wanted"), [("lock", "claim"), ("claim", "lock")])
    async def test_a_claim_and_a_lock_of_one_tournament_wait_for_each_other(
        self, uow_factory: UnitOfWorkFactory, held: str, wanted: str
    ) -> None:
        await seed(uow_factory, tournaments=[tournament("liga")])
        events: list[str] = []
        first_holds = asyncio.Event()

        async def first() -> None:
            async with uow_factory() as uow:
                await getattr(uow.tournaments, held)("liga")
                first_holds.set()
                await asyncio.sleep(0.05)  # the second must be waiting by now
                events.append("first ends")

        async def second() -> None:
            await first_holds.wait()
            async with uow_factory() as uow:
                await getattr(uow.tournaments, wanted)("liga")
                events.append("second holds")

        await asyncio.wait_for(asyncio.gather(first(), second()), DEADLOCK_GUARD)
        assert events == ["first ends", "second holds"]

    async def test_claims_of_different_ids_do_not_wait_for_each_other(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        both_claimed = asyncio.Barrier(2)

        async def hold(tournament_id: str) -> None:
            async with uow_factory() as uow:
                await uow.tournaments.claim(tournament_id)
                await both_claimed.wait()  # deadlocks if one waits for the other's claim

        await asyncio.wait_for(asyncio.gather(hold("one"), hold("two")), DEADLOCK_GUARD)
