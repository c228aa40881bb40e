"""The use cases with their ports bound, as the edges (API, CLI) call them.

`bind_use_cases` is where cosmicpython's bootstrap injects dependencies: each use case of
`bestshot_domain.services` gets the unit of work factory, the sources, the scheduler, the clock
and the scheduling policy once, and the edges pass only what a request says. Here too the ports
are wrapped in the decorators that report to `metrics` (`adapters.metrics.measured`), and each
round update's outcome is reported: the use cases themselves count nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta
from typing import Protocol

from attrs import frozen

from adapters.metrics import (
    NO_METRICS,
    MeasuredScheduler,
    MeasuredSource,
    Metrics,
    measured_unit_of_work,
)
from adapters.sources.deadline import Deadline, within
from bestshot_domain import disputes, overrides, services
from bestshot_domain.errors import BestshotError
from bestshot_domain.follow_ups import FollowUps
from bestshot_domain.importing import ImportSummary
from bestshot_domain.model import (
    Ending,
    Fallback,
    MatchKey,
    MatchStatus,
    Score,
    StandingsSnapshot,
    TeamKey,
    TournamentId,
    VerifyMode,
)
from bestshot_domain.overrides import OverrideOutcome
from bestshot_domain.planning import PlanProgress
from bestshot_domain.ports import Clock, ResultSources, Scheduler, UnitOfWorkFactory
from bestshot_domain.retention import ObservationPruner, prune_observations
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import SchedulingPolicy
from bestshot_domain.services import AdjustedStandings, ScheduleResult
from bestshot_domain.verification import Dispute, VerifyPolicy

logger = logging.getLogger("bestshot.retention")


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
    fallback: Fallback | None = None
    verify: VerifyMode = VerifyMode.NONE


@frozen
class OverrideRequest:
    """What an admin sets a match to, and who and why."""

    tournament_id: TournamentId
    round_slug: str
    match: MatchKey
    status: MatchStatus
    score: Score | None
    ended: Ending | None
    shootout: Score | None
    reason: str
    by: str


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
    set_override: Callable[[OverrideRequest], Awaitable[OverrideOutcome]]
    # The tournament, round, match and the admin's subject.
    release_override: Callable[[TournamentId, str, MatchKey, str], Awaitable[OverrideOutcome]]
    close_dispute: Callable[[TournamentId, str, str], Awaitable[Dispute]]
    aliases: Callable[[TournamentId], Awaitable[dict[str, str]]]
    set_aliases: Callable[[TournamentId, dict[str, str]], Awaitable[dict[str, str]]]
    providers: tuple[str, ...] = ()  # the ones import_tournament knows: the configured sources


def bind_use_cases(
    *,
    uow_factory: UnitOfWorkFactory,
    sources: ResultSources,
    scheduler: Scheduler,
    clock: Clock,
    policy: SchedulingPolicy,
    verify: VerifyPolicy = VerifyPolicy(),  # noqa: B008 - frozen
    fetch_deadline: float | None = None,
    plan_concurrency: int = 1,
    metrics: Metrics = NO_METRICS,
    pruner: ObservationPruner | None = None,
    observation_retention: timedelta | None = None,
) -> UseCases:
    uow_factory = measured_unit_of_work(uow_factory, metrics)
    sources = {name: MeasuredSource(source, metrics) for name, source in sources.items()}
    scheduler = MeasuredScheduler(scheduler, metrics)
    # Every scheduler gets its follow-ups from the round update itself.
    follow_ups = FollowUps(scheduler, policy)

    def budget() -> AbstractContextManager[Deadline | None]:
        # One budget for every provider a round update asks (its own, then a fallback), so
        # that the PATCH answers within BESTSHOT_HTTP_DEADLINE_SECONDS, before its caller
        # gives up: a provider that fails fast leaves the rest of it to the fallback.
        return nullcontext() if fetch_deadline is None else within(fetch_deadline)

    async def update_round(tournament_id: TournamentId, round_slug: str) -> RoundUpdate:
        try:
            with budget():
                update = await services.update_round(
                    tournament_id,
                    round_slug,
                    uow_factory=uow_factory,
                    sources=sources,
                    clock=clock,
                    follow_ups=follow_ups,
                    verify=verify,
                )
        except Exception:
            metrics.round_updated(None)
            raise
        metrics.round_updated(update)
        return update

    async def update_standings(tournament_id: TournamentId) -> StandingsSnapshot:
        return await services.update_standings(tournament_id, uow_factory=uow_factory, clock=clock)

    async def create_daily_schedules(
        day: date | None, dry_run: bool, progress: PlanProgress | None = None
    ) -> tuple[ScheduleResult, ...]:
        results = await services.create_daily_schedules(
            day,
            uow_factory=uow_factory,
            scheduler=scheduler,
            clock=clock,
            policy=policy,
            dry_run=dry_run,
            concurrency=plan_concurrency,
            progress=progress,
        )
        if not dry_run and pruner is not None:
            await prune_history(pruner)
        return results

    async def prune_history(pruner: ObservationPruner) -> None:
        # The day's housekeeping, after its plan: a failure is logged, the plan stands.
        try:
            pruned = await prune_observations(pruner, keep=observation_retention, clock=clock)
        except BestshotError as error:
            logger.error("history retention: pruning observations failed: %s", error)
            return
        if pruned:
            logger.info("history retention: pruned %d observation(s)", pruned)

    async def import_tournament(request: TournamentImport) -> ImportSummary:
        return await services.import_tournament(
            request.provider,
            request.reference,
            request.label,
            request.rules,
            timezone=request.timezone,
            zones=request.zones,
            season=request.season,
            fallback=request.fallback,
            verify=request.verify,
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

    async def set_override(request: OverrideRequest) -> OverrideOutcome:
        return await overrides.set_override(
            request.tournament_id,
            request.round_slug,
            request.match,
            status=request.status,
            score=request.score,
            ended=request.ended,
            shootout=request.shootout,
            reason=request.reason,
            by=request.by,
            uow_factory=uow_factory,
            clock=clock,
        )

    async def release_override(
        tournament_id: TournamentId, round_slug: str, match: MatchKey, by: str
    ) -> OverrideOutcome:
        return await overrides.release_override(
            tournament_id, round_slug, match, by=by, uow_factory=uow_factory, clock=clock
        )

    async def close_dispute(tournament_id: TournamentId, dispute: str, reason: str) -> Dispute:
        return await disputes.close_dispute(
            tournament_id, dispute, reason, uow_factory=uow_factory, clock=clock
        )

    async def aliases(tournament_id: TournamentId) -> dict[str, str]:
        return await disputes.aliases(tournament_id, uow_factory=uow_factory)

    async def set_aliases(tournament_id: TournamentId, table: dict[str, str]) -> dict[str, str]:
        return await disputes.set_aliases(tournament_id, table, uow_factory=uow_factory)

    return UseCases(
        update_round=update_round,
        update_standings=update_standings,
        create_daily_schedules=create_daily_schedules,
        import_tournament=import_tournament,
        set_point_adjustment=set_point_adjustment,
        remove_point_adjustment=remove_point_adjustment,
        set_override=set_override,
        release_override=release_override,
        close_dispute=close_dispute,
        aliases=aliases,
        set_aliases=set_aliases,
        providers=tuple(sources),
    )
