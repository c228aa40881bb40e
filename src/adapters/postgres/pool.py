"""The asyncpg pool, built from explicit settings (read from the environment by an entrypoint)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from adapters.postgres.config import PoolConfig
from adapters.postgres.errors import dsn_errors, storage_errors
from bestshot_domain.errors import StorageBusy

__all__ = ["Executor", "PoolConfig", "bounded_connection", "create_pool"]


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
