"""What the in-memory adapters offer beyond their ports (the ports: tests/contracts)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain.errors import NotFound, SourceUnavailable
from bestshot_domain.model import MatchStatus, Round
from tests.builders import T0, league_fixtures, observation, planned, tournament


class TestSettableClock:
    def test_it_tells_the_time_it_is_given_in_utc(self) -> None:
        clock = SettableClock(T0.astimezone(ZoneInfo("Asia/Tokyo")))
        assert clock.now() == T0
        assert clock.now().utcoffset() == timedelta(0)
        assert clock.advance(timedelta(minutes=5)) == T0 + timedelta(minutes=5)
        clock.set(T0 - timedelta(days=1))
        assert clock.now() == T0 - timedelta(days=1)

    def test_it_refuses_naive_time(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            SettableClock(datetime(2026, 1, 1))


class TestMemoryScheduler:
    async def test_take_due_fires_and_removes_what_is_due(self) -> None:
        scheduler = MemoryScheduler()
        early, late = planned("early"), planned("late", planned().fire_at + timedelta(hours=1))
        await scheduler.ensure(late)
        await scheduler.ensure(early)
        assert scheduler.take_due(early.fire_at - timedelta(seconds=1)) == ()
        assert scheduler.take_due(early.fire_at) == (early,)
        assert list(await scheduler.list()) == [late]


class TestScriptedSource:
    async def test_it_serves_what_was_published_and_reported(self) -> None:
        source = ScriptedSource()
        fixtures = league_fixtures(4)
        source.publish("liga", fixtures)
        first = fixtures.matches[0]
        source.report("liga", observation(first.external_id, score=(2, 0)))
        round_ = Round("t", first.round_slug, "", 1, reference="1")
        observed = await source.round_observations("liga", round_, [])
        assert observation(first.external_id, score=(2, 0)) in observed
        assert len(observed) == 2
        assert source.calls == [("round_observations", "liga", "1")]

    async def test_it_refuses_reports_of_unknown_matches_and_foreign_fixtures(self) -> None:
        source = ScriptedSource()
        source.publish("liga", league_fixtures(4))
        with pytest.raises(KeyError, match="nope"):
            source.report("liga", observation("nope", MatchStatus.LIVE))
        with pytest.raises(ValueError, match="published on"):
            source.publish("x", league_fixtures(4, provider="espn"))

    async def test_it_fails_when_told_to(self) -> None:
        source = ScriptedSource()
        source.publish("liga", league_fixtures(4))
        source.fail(SourceUnavailable("scripted", "503 from upstream"))
        with pytest.raises(SourceUnavailable):
            await source.fixtures("liga")
        source.fail(None)
        assert (await source.fixtures("liga")).teams
        with pytest.raises(NotFound):
            await source.fixtures("other")


class TestMemoryUnitOfWork:
    async def test_repositories_work_only_inside_the_block(self) -> None:
        uow = MemoryUnitOfWorkFactory()()
        with pytest.raises(RuntimeError, match="inside `async with`"):
            await uow.tournaments.list()
        async with uow:
            await uow.tournaments.save(tournament())
            await uow.commit()
        with pytest.raises(RuntimeError, match="inside `async with`"):
            await uow.tournaments.get("liga-test")

    async def test_a_unit_of_work_cannot_be_opened_twice_at_once(self) -> None:
        uow = MemoryUnitOfWorkFactory()()
        async with uow:
            with pytest.raises(RuntimeError, match="already open"):
                await uow.__aenter__()

    async def test_writes_after_a_commit_need_their_own(self) -> None:
        factory = MemoryUnitOfWorkFactory()
        async with factory() as uow:
            await uow.tournaments.save(tournament("one"))
            await uow.commit()
            await uow.tournaments.save(tournament("two"))
        async with factory() as uow:
            assert [t.id for t in await uow.tournaments.list()] == ["one"]
        assert factory.store.commits == 1
