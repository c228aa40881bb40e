"""Decorators of the domain's ports that report to `Metrics` what passes through them: a
`ResultSource`'s fetches, a `Scheduler`'s schedules, the tables a unit of work commits.

The composition root hands the use cases these instead of the bare adapters
(`entrypoints.use_cases`), so that the use cases, like the domain, know nothing of metrics.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar

from adapters.metrics.port import FetchOperation, Metrics, fetch_outcome
from bestshot_domain.model import (
    Fixtures,
    Match,
    Observation,
    Round,
    StandingsInputs,
    StandingsSnapshot,
    StandingsStatus,
    TournamentId,
)
from bestshot_domain.ports import (
    EnsureOutcome,
    PlannedSchedule,
    ResultSource,
    Scheduler,
    StandingsRepository,
    Survey,
    UnitOfWork,
    UnitOfWorkFactory,
)

T = TypeVar("T")


class MeasuredSource:
    """`source`, each fetch counted by outcome and timed. Wrapped around the per-round sharing
    (`SharedRoundFetches`), it counts what the use cases asked for: a second update waiting for
    a fetch already under way counts once more, with that fetch's outcome."""

    def __init__(self, source: ResultSource, metrics: Metrics) -> None:
        self._source = source
        self._metrics = metrics

    @property
    def provider(self) -> str:
        return self._source.provider

    async def fixtures(self, reference: str) -> Fixtures:
        return await self._measured(FetchOperation.FIXTURES, self._source.fixtures(reference))

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        fetch = self._source.round_observations(reference, round_, matches)
        return await self._measured(FetchOperation.ROUND, fetch)

    async def _measured(self, operation: FetchOperation, fetch: Awaitable[T]) -> T:
        # A cancelled fetch (the caller left: a shutdown) has no outcome, and is not counted.
        started = time.perf_counter()
        try:
            result = await fetch
        except Exception as error:
            self._count(operation, error, started)
            raise
        self._count(operation, None, started)
        return result

    def _count(self, operation: FetchOperation, error: Exception | None, started: float) -> None:
        seconds = time.perf_counter() - started
        self._metrics.provider_fetched(self.provider, operation, fetch_outcome(error), seconds)


class MeasuredScheduler:
    """`scheduler`, each schedule the use cases ensure or delete counted."""

    def __init__(self, scheduler: Scheduler, metrics: Metrics) -> None:
        self._scheduler = scheduler
        self._metrics = metrics

    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        outcome = await self._scheduler.ensure(schedule, exists=exists)
        self._metrics.schedule_ensured(schedule, outcome)
        return outcome

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        return await self._scheduler.survey(start, end, skip=skip)

    async def list(self) -> Sequence[PlannedSchedule]:
        return await self._scheduler.list()

    async def delete(self, name: str) -> None:
        await self._scheduler.delete(name)
        self._metrics.schedule_deleted(name)


def measured_unit_of_work(factory: UnitOfWorkFactory, metrics: Metrics) -> UnitOfWorkFactory:
    """Units of work of `factory` that count the tables they commit: a snapshot saved is a
    computation of the engine (tables still current are answered without one)."""

    def open_unit_of_work() -> UnitOfWork:
        return _MeasuredUnitOfWork(factory(), metrics)

    return open_unit_of_work


class _CountedStandings:
    def __init__(self, standings: StandingsRepository) -> None:
        self._standings = standings
        self.saved = 0

    async def save(self, snapshot: StandingsSnapshot) -> None:
        await self._standings.save(snapshot)
        self.saved += 1

    async def save_if_current(self, snapshot: StandingsSnapshot, seen: StandingsStatus) -> bool:
        saved = await self._standings.save_if_current(snapshot, seen)
        self.saved += saved
        return saved

    async def get(self, tournament_id: TournamentId) -> StandingsSnapshot | None:
        return await self._standings.get(tournament_id)

    async def status(self, tournament_id: TournamentId) -> StandingsStatus:
        return await self._standings.status(tournament_id)

    async def inputs(self, tournament_id: TournamentId) -> StandingsInputs:
        return await self._standings.inputs(tournament_id)

    async def current(
        self, tournament_id: TournamentId, engine: str
    ) -> tuple[StandingsStatus, StandingsInputs | None]:
        return await self._standings.current(tournament_id, engine)


class _MeasuredUnitOfWork:
    def __init__(self, inner: UnitOfWork, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def __aenter__(self) -> Self:
        inner = await self._inner.__aenter__()
        # The repositories exist once the unit of work is open.
        self.tournaments = inner.tournaments
        self.teams = inner.teams
        self.rounds = inner.rounds
        self.matches = inner.matches
        self.changes = inner.changes
        self._counted = _CountedStandings(inner.standings)
        self.standings: StandingsRepository = self._counted
        self.adjustments = inner.adjustments
        self.discipline = inner.discipline
        self.outbox = inner.outbox
        self.overrides = inner.overrides
        self.verification = inner.verification
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self._inner.commit()
        if saved := self._counted.saved:
            self._counted.saved = 0
            self._metrics.standings_computed(saved)

    async def rollback(self) -> None:
        await self._inner.rollback()
        self._counted.saved = 0
