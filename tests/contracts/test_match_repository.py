"""The MatchRepository contract: upserts by key under a version check, orderings, references."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from bestshot_domain.errors import Conflict, NotFound
from bestshot_domain.model import Ending, Match, MatchState, MatchStatus, Score
from bestshot_domain.ports import UnitOfWork, UnitOfWorkFactory
from tests.builders import T0, match, round_, tournament
from tests.contracts.seed import seed, seed_league


def bumped(stored: Match, **changes: Any) -> Match:
    return attrs.evolve(stored, version=stored.version + 1, **changes)


async def save_and_commit(uow: UnitOfWork, matches: list[Match]) -> None:
    """Saving or committing may raise the Conflict: a database sees it at the UPDATE, the
    in-memory adapter may see it only at commit."""
    await uow.matches.save_many(matches)
    await uow.commit()


async def stored_matches(
    factory: UnitOfWorkFactory, tournament_id: str = "liga-test"
) -> list[Match]:
    async with factory() as uow:
        return list(await uow.matches.for_tournament(tournament_id))


async def test_every_field_reads_back_equal(uow_factory: UnitOfWorkFactory) -> None:
    full = Match(
        tournament_id="liga-test",
        round_slug="matchday-1",
        provider="scripted",
        external_id="401",
        home="scripted:a",
        away="scripted:b",
        state=MatchState(
            MatchStatus.FINISHED,
            T0.astimezone(ZoneInfo("America/Sao_Paulo")),
            Score(2, 2),
            Ending.PENALTIES,
            Score(5, 4),
        ),
        group="A",
        last_observed=T0 + timedelta(hours=2, microseconds=123),
        version=7,
    )
    bare = match("402", home="c", away="d")
    await seed_league(uow_factory, matches=[full, bare])
    assert await stored_matches(uow_factory) == [full, bare]


async def test_listings_are_ordered_by_kickoff_then_key(uow_factory: UnitOfWorkFactory) -> None:
    early, late = T0, T0 + timedelta(hours=2)
    matches = [
        match("9", kickoff=late),
        match("10", kickoff=late),
        match("5", kickoff=early),
        match("b", kickoff=early, round_slug="matchday-2"),
        match("a", kickoff=late, round_slug="matchday-2"),
    ]
    await seed_league(uow_factory, rounds=["matchday-1", "matchday-2"], matches=matches)
    async with uow_factory() as uow:
        in_round = [m.external_id for m in await uow.matches.for_round("liga-test", "matchday-1")]
        in_tournament = [m.external_id for m in await uow.matches.for_tournament("liga-test")]
        assert list(await uow.matches.for_round("liga-test", "matchday-9")) == []
        assert list(await uow.matches.for_tournament("nowhere")) == []
    assert in_round == ["5", "10", "9"]  # "scripted:10" < "scripted:9" as strings
    assert in_tournament == ["5", "b", "10", "9", "a"]


async def test_kicking_off_is_half_open_and_spans_tournaments(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_league(uow_factory, "one")
    await seed(uow_factory, tournaments=[tournament("two")], rounds=[round_(tournament_id="two")])
    start, end = T0, T0 + timedelta(days=1)
    await seed(
        uow_factory,
        matches=[
            match("before", tournament_id="one", kickoff=start - timedelta(microseconds=1)),
            match("at-start", tournament_id="one", kickoff=start),
            match("other", tournament_id="two", kickoff=start + timedelta(hours=1)),
            match("last", tournament_id="one", kickoff=end - timedelta(microseconds=1)),
            match("at-end", tournament_id="two", kickoff=end),
        ],
    )
    async with uow_factory() as uow:
        found = [m.external_id for m in await uow.matches.kicking_off(start, end)]
    assert found == ["at-start", "other", "last"]


async def test_get_many_finds_matches_by_key_in_any_tournament(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_league(uow_factory, "one")
    await seed(uow_factory, tournaments=[tournament("two")], rounds=[round_(tournament_id="two")])
    here, there = match("1", tournament_id="one"), match("2", tournament_id="two")
    await seed(uow_factory, matches=[here, there])
    async with uow_factory() as uow:
        found = await uow.matches.get_many([there.key, "scripted:unknown", here.key])
        assert await uow.matches.get_many([]) == {}
        # Unsaved writes of the unit of work are seen by its own reads.
        pending = match("3", tournament_id="two")
        await uow.matches.save_many([pending])
        assert set(await uow.matches.get_many([pending.key, here.key])) == {pending.key, here.key}
    assert found == {here.key: here, there.key: there}


class TestVersions:
    async def test_an_update_with_the_next_version_is_saved(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = match()
        await seed_league(uow_factory, matches=[stored])
        live = bumped(stored, state=attrs.evolve(stored.state, status=MatchStatus.LIVE))
        async with uow_factory() as uow:
            await uow.matches.save_many([live])
            assert list(await uow.matches.for_round("liga-test", "matchday-1")) == [live]
            await uow.commit()
        assert await stored_matches(uow_factory) == [live]

    @pytest.mark.parametrize("version", [0, 1, 3])
    async def test_an_update_not_following_the_stored_version_is_a_conflict(
        self, uow_factory: UnitOfWorkFactory, version: int
    ) -> None:
        stored = match(version=1)
        await seed_league(uow_factory, matches=[stored])
        other = attrs.evolve(stored, version=version, group="changed")
        async with uow_factory() as uow:
            with pytest.raises(Conflict):
                await uow.matches.save_many([other])
        assert await stored_matches(uow_factory) == [stored]

    async def test_a_conflict_writes_nothing_of_the_batch(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = match("1"), match("2", home="c", away="d")
        await seed_league(uow_factory, matches=[first, second])
        fine = bumped(first, group="A")
        stale = attrs.evolve(second, group="B")  # still version 0
        new = match("3")
        async with uow_factory() as uow:
            with pytest.raises(Conflict):
                await uow.matches.save_many([fine, new, stale])
            # Within the same unit of work, nothing of the batch is there either.
            assert list(await uow.matches.for_tournament("liga-test")) == [first, second]
        assert await stored_matches(uow_factory) == [first, second]

    async def test_two_writers_of_one_version_the_second_is_a_conflict(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = match()
        await seed_league(uow_factory, matches=[stored])
        async with uow_factory() as first, uow_factory() as second:
            (seen_by_first,) = await first.matches.for_round("liga-test", "matchday-1")
            (seen_by_second,) = await second.matches.for_round("liga-test", "matchday-1")
            await first.matches.save_many([bumped(seen_by_first, group="first")])
            await first.commit()
            with pytest.raises(Conflict):
                await save_and_commit(second, [bumped(seen_by_second, group="second")])
        (final,) = await stored_matches(uow_factory)
        assert (final.group, final.version) == ("first", 1)

    async def test_of_two_concurrent_writers_of_one_version_exactly_one_wins(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, matches=[match()])
        both_read = asyncio.Barrier(2)

        async def write(tag: str) -> str:
            async with uow_factory() as uow:
                (seen,) = await uow.matches.for_round("liga-test", "matchday-1")
                await both_read.wait()
                await uow.matches.save_many([bumped(seen, group=tag)])
                await asyncio.sleep(0.01)  # the other writer is saving meanwhile
                await uow.commit()
                return tag

        outcomes = await asyncio.wait_for(
            asyncio.gather(write("one"), write("two"), return_exceptions=True), 10
        )
        winners = [outcome for outcome in outcomes if isinstance(outcome, str)]
        assert len(winners) == 1
        assert [type(outcome) for outcome in outcomes if outcome not in winners] == [Conflict]
        (final,) = await stored_matches(uow_factory)
        assert (final.group, final.version) == (winners[0], 1)

    async def test_two_inserts_of_one_new_match_the_second_is_a_conflict(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as first, uow_factory() as second:
            await first.matches.save_many([match(group="first")])
            await first.commit()
            with pytest.raises(Conflict):
                await save_and_commit(second, [match(group="second")])
        (final,) = await stored_matches(uow_factory)
        assert final.group == "first"

    async def test_a_match_may_be_updated_twice_in_one_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = match()
        await seed_league(uow_factory, matches=[stored])
        async with uow_factory() as uow:
            once = bumped(stored, group="A")
            await uow.matches.save_many([once])
            await uow.matches.save_many([bumped(once, group="B")])
            await uow.commit()
        (final,) = await stored_matches(uow_factory)
        assert (final.group, final.version) == ("B", 2)


class TestReferences:
    @pytest.mark.parametrize(
        "broken",
        [
            match("x", tournament_id="nowhere"),
            match("x", round_slug="matchday-9"),
            match("x", home="zz"),
            match("x", away="zz"),
        ],
        ids=["tournament", "round", "home", "away"],
    )
    async def test_a_match_referring_to_nothing_is_not_found_and_the_batch_not_written(
        self, uow_factory: UnitOfWorkFactory, broken: Match
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.matches.save_many([match("ok"), broken])
            assert list(await uow.matches.for_tournament("liga-test")) == []

    async def test_matches_roll_back_unless_committed(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            await uow.matches.save_many([match()])
        assert await stored_matches(uow_factory) == []
