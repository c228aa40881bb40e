"""The asyncpg pool, built from explicit settings (read from the environment by an entrypoint)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from attrs import field, frozen

from adapters.postgres.errors import dsn_errors, storage_errors
from bestshot_domain.errors import InvalidInput, StorageBusy
from bestshot_domain.validators import non_negative, positive


@frozen
class PoolConfig:
    """How many connections, and how long a statement may take.

    `statement_timeout` is sent to the server as a session setting, so PostgreSQL itself cancels
    a statement that runs too long (a stuck lock wait included); `command_timeout` is the
    client's own limit on waiting for an answer, a little longer so the server's clearer error
    normally wins. Times are in seconds; 0 means no statement timeout.
    """

    min_size: int = field(default=1, validator=non_negative)
    max_size: int = field(default=10, validator=positive)
    statement_timeout: float = field(default=15.0, validator=non_negative)
    command_timeout: float = field(default=20.0, validator=positive)
    # Short: under a burst, a request that waits longer for a free connection is better
    # answered 503 with Retry-After (the caller comes back) than left to pile up.
    acquire_timeout: float = field(default=1.5, validator=positive)
    connect_timeout: float = field(default=10.0, validator=positive)
    application_name: str = "bestshot"

    def __attrs_post_init__(self) -> None:
        if self.min_size > self.max_size:
            raise InvalidInput(
                f"the pool's minimum size ({self.min_size}) exceeds its maximum ({self.max_size})"
            )

    def server_settings(self) -> dict[str, str]:
        return {
            "application_name": self.application_name,
            "statement_timeout": str(round(self.statement_timeout * 1000)),
            # A transaction left open by a crashed client must not hold its locks for ever.
            "idle_in_transaction_session_timeout": str(
                round(max(self.command_timeout, self.statement_timeout) * 1000 * 3)
            ),
        }


class Executor(Protocol):
    """What the repositories need of a connection: a pooled one or a plain one."""

    async def execute(self, query: str, *args: object) -> str: ...

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]: ...

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None: ...

    async def fetchval(self, query: str, *args: object) -> Any: ...


async def create_pool(dsn: str, config: PoolConfig | None = None) -> asyncpg.Pool:
    """Open a pool of `config.min_size` connections (StorageUnavailable when unreachable)."""
    config = config or PoolConfig()
    with storage_errors(), dsn_errors():
        return await asyncpg.create_pool(
            dsn,
            min_size=config.min_size,
            max_size=config.max_size,
            command_timeout=config.command_timeout,
            timeout=config.connect_timeout,
            server_settings=config.server_settings(),
        )


@asynccontextmanager
async def bounded_connection(
    pool: asyncpg.Pool, wait: float
) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
    """A connection of `pool`, waited for `wait` seconds at most (`PoolConfig.acquire_timeout`,
    the API's wait): StorageBusy when none came free in time, rather than a wait without end;
    StorageUnavailable when the database cannot be reached. Given back on leaving."""
    with storage_errors():
        try:
            connection = await pool.acquire(timeout=wait)
        except TimeoutError as error:
            # asyncpg's wait for a free connection ran out: busy, not down.
            raise StorageBusy(f"no database connection was free within {wait:g} s") from error
    try:
        yield connection
    finally:
        await pool.release(connection)
