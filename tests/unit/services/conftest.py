"""A world on the in-memory adapters, wired to the use cases as a composition root would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from attrs import define, field

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain import services
from bestshot_domain.follow_ups import FollowUps
from bestshot_domain.importing import ImportSummary
from bestshot_domain.model import Fixtures, Match, MatchChange, StandingsSnapshot
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import SchedulingPolicy
from bestshot_domain.services import ScheduleResult
from tests.builders import T0, league_fixtures

LIGA = "liga-test"


@define
class World:
    uow_factory: MemoryUnitOfWorkFactory = field(factory=MemoryUnitOfWorkFactory)
    source: ScriptedSource = field(factory=ScriptedSource)
    scheduler: MemoryScheduler = field(factory=MemoryScheduler)
    clock: SettableClock = field(factory=lambda: SettableClock(T0 - timedelta(days=2)))
    policy: SchedulingPolicy = field(factory=SchedulingPolicy)

    @property
    def sources(self) -> dict[str, ScriptedSource]:
        return {self.source.provider: self.source}

    async def import_(
        self,
        label: str = "Liga Test",
        *,
        reference: str = "liga",
        rules: str = "premier_league",
        timezone: str = "UTC",
        zones: str = "",
        provider: str = "scripted",
        season: str | None = None,
    ) -> ImportSummary:
        return await services.import_tournament(
            provider,
            reference,
            label,
            rules,
            timezone=timezone,
            zones=zones,
            season=season,
            uow_factory=self.uow_factory,
            sources=self.sources,
            clock=self.clock,
        )

    async def update_round(self, round_slug: str, tournament_id: str = LIGA) -> RoundUpdate:
        return await services.update_round(
            tournament_id,
            round_slug,
            uow_factory=self.uow_factory,
            sources=self.sources,
            clock=self.clock,
            follow_ups=FollowUps(self.scheduler, self.policy),
        )

    async def update_standings(self, tournament_id: str = LIGA) -> StandingsSnapshot:
        return await services.update_standings(
            tournament_id, uow_factory=self.uow_factory, clock=self.clock
        )

    async def create_daily_schedules(
        self, day: date | None = None, *, dry_run: bool = False
    ) -> tuple[ScheduleResult, ...]:
        return await services.create_daily_schedules(
            day,
            uow_factory=self.uow_factory,
            scheduler=self.scheduler,
            clock=self.clock,
            policy=self.policy,
            dry_run=dry_run,
        )

    async def matches(self, tournament_id: str = LIGA) -> dict[str, Match]:
        async with self.uow_factory() as uow:
            return {m.external_id: m for m in await uow.matches.for_tournament(tournament_id)}

    async def changes(self, tournament_id: str = LIGA) -> list[MatchChange]:
        async with self.uow_factory() as uow:
            return list(await uow.changes.for_tournament(tournament_id))


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def fixtures() -> Fixtures:
    """Four teams, three matchdays a week apart from T0, two matches each, all scheduled."""
    return league_fixtures(4)


@pytest.fixture
async def imported(world: World, fixtures: Fixtures) -> World:
    world.source.publish("liga", fixtures)
    await world.import_()
    return world
