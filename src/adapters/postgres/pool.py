"""The asyncpg pool, built from explicit settings (read from the environment by an entrypoint)."""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

from adapters.postgres.config import PoolConfig

__all__ = ["Executor", "PoolConfig", "create_pool"]
from adapters.postgres.errors import dsn_errors, storage_errors


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
