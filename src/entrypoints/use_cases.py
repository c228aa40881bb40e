"""The use cases with their ports bound, as the edges (API, CLI) call them.

`bind_use_cases` is where cosmicpython's bootstrap injects dependencies: each use case of
`bestshot_domain.services` gets the unit of work factory, the sources, the scheduler, the clock
and the scheduling policy once, and the edges pass only what a request says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from attrs import frozen

from bestshot_domain import services
from bestshot_domain.follow_ups import FollowUps
from bestshot_domain.importing import ImportSummary
from bestshot_domain.model import StandingsSnapshot, TeamKey, TournamentId
from bestshot_domain.planning import PlanProgress
from bestshot_domain.ports import Clock, ResultSources, Scheduler, UnitOfWorkFactory
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import SchedulingPolicy
from bestshot_domain.services import AdjustedStandings, ScheduleResult


@frozen
class TournamentImport:
    """What an operator asks to import."""

    provider: str
    reference: str
    label: str
    rules: str
    timezone: str = "UTC"
    zones: str = ""
    season: str | None = None


class PlanDay(Protocol):
    """Plan a day (None: today); `progress` is filled in as the plan goes."""

    def __call__(
        self, day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> Awaitable[tuple[ScheduleResult, ...]]: ...


@frozen
class UseCases:
    update_round: Callable[[TournamentId, str], Awaitable[RoundUpdate]]
    update_standings: Callable[[TournamentId], Awaitable[StandingsSnapshot]]
    create_daily_schedules: PlanDay
    import_tournament: Callable[[TournamentImport], Awaitable[ImportSummary]]
    set_point_adjustment: Callable[[TournamentId, TeamKey, int, str], Awaitable[AdjustedStandings]]
    remove_point_adjustment: Callable[[TournamentId, TeamKey], Awaitable[AdjustedStandings]]
    providers: tuple[str, ...] = ()  # the ones import_tournament knows: the configured sources


def bind_use_cases(
    *,
    uow_factory: UnitOfWorkFactory,
    sources: ResultSources,
    scheduler: Scheduler,
    clock: Clock,
    policy: SchedulingPolicy,
    plan_concurrency: int = 1,
) -> UseCases:
    # Every scheduler gets its follow-ups from the round update itself.
    follow_ups = FollowUps(scheduler, policy)

    async def update_round(tournament_id: TournamentId, round_slug: str) -> RoundUpdate:
        return await services.update_round(
            tournament_id,
            round_slug,
            uow_factory=uow_factory,
            sources=sources,
            clock=clock,
            follow_ups=follow_ups,
        )

    async def update_standings(tournament_id: TournamentId) -> StandingsSnapshot:
        return await services.update_standings(tournament_id, uow_factory=uow_factory, clock=clock)

    async def create_daily_schedules(
        day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        return await services.create_daily_schedules(
            day,
            uow_factory=uow_factory,
            scheduler=scheduler,
            clock=clock,
            policy=policy,
            dry_run=dry_run,
            concurrency=plan_concurrency,
            progress=progress,
        )

    async def import_tournament(request: TournamentImport) -> ImportSummary:
        return await services.import_tournament(
            request.provider,
            request.reference,
            request.label,
            request.rules,
            timezone=request.timezone,
            zones=request.zones,
            season=request.season,
            uow_factory=uow_factory,
            sources=sources,
            clock=clock,
        )

    async def set_point_adjustment(
        tournament_id: TournamentId, team: TeamKey, points: int, reason: str
    ) -> AdjustedStandings:
        return await services.set_point_adjustment(
            tournament_id, team, points, reason, uow_factory=uow_factory, clock=clock
        )

    async def remove_point_adjustment(
        tournament_id: TournamentId, team: TeamKey
    ) -> AdjustedStandings:
        return await services.remove_point_adjustment(
            tournament_id, team, uow_factory=uow_factory, clock=clock
        )

    return UseCases(
        update_round=update_round,
        update_standings=update_standings,
        create_daily_schedules=create_daily_schedules,
        import_tournament=import_tournament,
        set_point_adjustment=set_point_adjustment,
        remove_point_adjustment=remove_point_adjustment,
        providers=tuple(sources),
    )
