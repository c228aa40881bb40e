"""The unit of work over a MemoryStore: rolls back unless committed, locks per tournament."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from adapters.memory.outbox import MemoryOutbox
from adapters.memory.overrides import MemoryOverrideRepository
from adapters.memory.repositories import (
    MemoryAdjustmentRepository,
    MemoryChangeRepository,
    MemoryDisciplineRepository,
    MemoryMatchRepository,
    MemoryRoundRepository,
    MemoryStandingsRepository,
    MemoryTeamRepository,
    MemoryTournamentRepository,
)
from adapters.memory.store import MemoryStore
from adapters.memory.transaction import Transaction
from adapters.memory.verification import MemoryVerificationRepository
from bestshot_domain.model import TournamentId
from bestshot_domain.ports import (
    AdjustmentRepository,
    ChangeRepository,
    DisciplineRepository,
    MatchRepository,
    Outbox,
    OverrideRepository,
    RoundRepository,
    StandingsRepository,
    TeamRepository,
    TournamentRepository,
)
from bestshot_domain.verification import VerificationRepository


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._transaction: Transaction | None = None
        self._held: list[TournamentId] = []
        # Typed as the ports: the UnitOfWork protocol declares them as plain (invariant) attributes.
        self.tournaments: TournamentRepository = MemoryTournamentRepository(
            self._current, self._lock
        )
        self.teams: TeamRepository = MemoryTeamRepository(self._current)
        self.rounds: RoundRepository = MemoryRoundRepository(self._current)
        self.matches: MatchRepository = MemoryMatchRepository(self._current)
        self.changes: ChangeRepository = MemoryChangeRepository(self._current)
        self.standings: StandingsRepository = MemoryStandingsRepository(self._current, self._lock)
        self.adjustments: AdjustmentRepository = MemoryAdjustmentRepository(self._current)
        self.discipline: DisciplineRepository = MemoryDisciplineRepository(self._current)
        self.overrides: OverrideRepository = MemoryOverrideRepository(self._current)
        self.outbox: Outbox = MemoryOutbox(self._current)
        self.verification: VerificationRepository = MemoryVerificationRepository(self._current)

    def _current(self) -> Transaction:
        if self._transaction is None:
            raise RuntimeError("a unit of work is used inside `async with` only")
        return self._transaction

    async def _lock(self, tournament_id: TournamentId) -> None:
        self._current()
        if tournament_id in self._held:
            return
        await self._store.locks[tournament_id].acquire()
        self._held.append(tournament_id)

    def _end(self) -> None:
        """The transaction is over: drop what was not committed, let waiting writers in."""
        self._transaction = Transaction(self._store) if self._transaction is not None else None
        for tournament_id in reversed(self._held):
            self._store.locks[tournament_id].release()
        self._held.clear()

    async def __aenter__(self) -> Self:
        if self._transaction is not None:
            raise RuntimeError("this unit of work is already open")
        self._transaction = Transaction(self._store)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._end()
        self._transaction = None

    async def commit(self) -> None:
        transaction = self._current()
        try:
            transaction.commit()
        finally:
            self._end()

    async def rollback(self) -> None:
        self._current()
        self._end()


class MemoryUnitOfWorkFactory:
    """Opens units of work over one store: pass it where a `UnitOfWorkFactory` is wanted."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store)
