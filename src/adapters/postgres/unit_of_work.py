"""The unit of work: one pooled connection, one transaction, every repository over it.

The transaction itself begins with the first lock or write (see `session`): a unit of work
that only reads costs no `BEGIN` and no `ROLLBACK`.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from adapters.postgres.adjustments import PostgresAdjustmentRepository
from adapters.postgres.catalog import (
    PostgresRoundRepository,
    PostgresTeamRepository,
    PostgresTournamentRepository,
)
from adapters.postgres.discipline import PostgresDisciplineRepository
from adapters.postgres.errors import storage_errors
from adapters.postgres.matches import PostgresChangeRepository, PostgresMatchRepository
from adapters.postgres.outbox import PostgresOutbox
from adapters.postgres.overrides import PostgresOverrideRepository
from adapters.postgres.pool import PoolConfig
from adapters.postgres.session import COMMIT, Session
from adapters.postgres.standings import PostgresStandingsRepository
from adapters.postgres.verification import PostgresVerificationRepository
from bestshot_domain.errors import StorageBusy, StorageUnavailable
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
    UnitOfWorkFactory,
)
from bestshot_domain.verification import VerificationRepository

_RELEASE_TIMEOUT = 10.0  # seconds


class PostgresUnitOfWork:
    """`async with` acquires a connection; leaving without `commit()` rolls back what it wrote
    or locked. After `commit()` or `rollback()` the block may go on: the next lock or write
    begins a new transaction on the same connection.
    """

    tournaments: TournamentRepository
    teams: TeamRepository
    rounds: RoundRepository
    matches: MatchRepository
    changes: ChangeRepository
    standings: StandingsRepository
    adjustments: AdjustmentRepository
    discipline: DisciplineRepository
    overrides: OverrideRepository
    outbox: Outbox
    verification: VerificationRepository

    def __init__(self, pool: asyncpg.Pool, *, acquire_timeout: float = 1.5) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout
        self._connection: PoolConnectionProxy[asyncpg.Record] | None = None
        self._session: Session | None = None

    @property
    def connection(self) -> PoolConnectionProxy[asyncpg.Record]:
        """The connection of this unit of work (for tests and for locks of other adapters).

        Its transaction is open only once the unit of work has locked or written something:
        call `begin()` before taking a lock of one's own on it.
        """
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `async with`")
        return self._connection

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is opened once")
        try:
            with storage_errors():
                connection = await self._pool.acquire(timeout=self._acquire_timeout)
        except StorageUnavailable as error:
            if isinstance(error.__cause__, TimeoutError):
                # asyncpg's wait for a free connection ran out: busy, not down.
                raise StorageBusy(
                    f"no database connection was free within {self._acquire_timeout:g} s"
                ) from error
            raise
        self._connection = connection
        session = self._session = Session(connection)
        self.tournaments = PostgresTournamentRepository(session)
        self.teams = PostgresTeamRepository(session)
        self.rounds = PostgresRoundRepository(session)
        self.matches = PostgresMatchRepository(session)
        self.changes = PostgresChangeRepository(session)
        self.standings = PostgresStandingsRepository(session)
        self.adjustments = PostgresAdjustmentRepository(session)
        self.discipline = PostgresDisciplineRepository(session)
        self.overrides = PostgresOverrideRepository(session)
        self.outbox = PostgresOutbox(session)
        self.verification = PostgresVerificationRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            try:
                await self._open_session().end("ROLLBACK")
            except Exception:
                # A lost connection needs no rollback (the server has done it); any other
                # failure leaves the connection in doubt, so it is not given back for reuse.
                _terminate(self.connection)
        finally:
            self._session = None
            await self._release()

    async def begin(self) -> None:
        """Open the transaction now (it otherwise opens with the first lock or write)."""
        await self._open_session().begin()

    async def commit(self) -> None:
        # Deferred foreign keys are checked here, so a commit can fail with InvalidInput too.
        await self._open_session().end(COMMIT)

    async def rollback(self) -> None:
        await self._open_session().end("ROLLBACK")

    def _open_session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `async with`")
        return self._session

    async def _release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Not the short wait for a free connection: resetting one on a busy server may take
            # longer, and giving it up costs a reconnect.
            await self._pool.release(connection, timeout=_RELEASE_TIMEOUT)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
            # The pool opens a fresh connection when needed; this one is given up.
            _terminate(connection)


def _terminate(connection: PoolConnectionProxy[asyncpg.Record]) -> None:
    # A proxy the pool already took back (its connection lost) has nothing left to close.
    with contextlib.suppress(asyncpg.InterfaceError):
        connection.terminate()


def unit_of_work_factory(pool: asyncpg.Pool, config: PoolConfig | None = None) -> UnitOfWorkFactory:
    """Each call makes a fresh unit of work over `pool`."""
    acquire_timeout = (config or PoolConfig()).acquire_timeout

    def open_unit_of_work() -> PostgresUnitOfWork:
        return PostgresUnitOfWork(pool, acquire_timeout=acquire_timeout)

    return open_unit_of_work
