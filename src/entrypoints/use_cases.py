"""The use cases with their ports bound, as the edges (API, CLI) call them.

`bind_use_cases` is where cosmicpython's bootstrap injects dependencies: each use case of
`bestshot_domain.services` gets the unit of work factory, the sources, the scheduler, the clock
and the scheduling policy once, and the edges pass only what a request says. Here too the ports
are wrapped in the decorators that report to `metrics` (`adapters.metrics.measured`), and each
round update's outcome is reported: the use cases themselves count nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from attrs import frozen

from adapters.metrics import (
    NO_METRICS,
    MeasuredScheduler,
    MeasuredSource,
    Metrics,
    measured_unit_of_work,
)
from bestshot_domain import services
from bestshot_domain.follow_ups import FollowUps
from bestshot_domain.importing import ImportSummary
from bestshot_domain.model import StandingsSnapshot, TeamKey, TournamentId
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


@frozen
class UseCases:
    update_round: Callable[[TournamentId, str], Awaitable[RoundUpdate]]
    update_standings: Callable[[TournamentId], Awaitable[StandingsSnapshot]]
    create_daily_schedules: Callable[[date | None, bool], Awaitable[tuple[ScheduleResult, ...]]]
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
    metrics: Metrics = NO_METRICS,
) -> UseCases:
    uow_factory = measured_unit_of_work(uow_factory, metrics)
    sources = {name: MeasuredSource(source, metrics) for name, source in sources.items()}
    scheduler = MeasuredScheduler(scheduler, metrics)
    # Every scheduler gets its follow-ups from the round update itself.
    follow_ups = FollowUps(scheduler, policy)

    async def update_round(tournament_id: TournamentId, round_slug: str) -> RoundUpdate:
        try:
            update = await services.update_round(
                tournament_id,
                round_slug,
                uow_factory=uow_factory,
                sources=sources,
                clock=clock,
                follow_ups=follow_ups,
            )
        except Exception:
            metrics.round_updated(None)
            raise
        metrics.round_updated(update)
        return update

    async def update_standings(tournament_id: TournamentId) -> StandingsSnapshot:
        return await services.update_standings(tournament_id, uow_factory=uow_factory, clock=clock)

    async def create_daily_schedules(day: date | None, dry_run: bool) -> tuple[ScheduleResult, ...]:
        return await services.create_daily_schedules(
            day,
            uow_factory=uow_factory,
            scheduler=scheduler,
            clock=clock,
            policy=policy,
            dry_run=dry_run,
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
