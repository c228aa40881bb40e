"""Composition of the database: the configured server or the embedded one, migrated, pooled.

`open_database(settings)` is what the service and the commands use:

    async with open_database(read_settings().database.config()) as database:
        uow_factory = database.uow_factory
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from attrs import frozen

from adapters.postgres import (
    MigrationReport,
    create_pool,
    migrate_url,
    season_cache,
    unit_of_work_factory,
)
from adapters.postgres.admin import ensure_database
from adapters.postgres.embedded import DEFAULT_DATABASE, EmbeddedPostgres
from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.settings import DatabaseConfig


@frozen
class Database:
    url: str
    pool: asyncpg.Pool
    uow_factory: UnitOfWorkFactory
    migrations: MigrationReport | None


@asynccontextmanager
async def database_url(settings: DatabaseConfig) -> AsyncIterator[str]:
    """`DATABASE_URL`, or the embedded server's `bestshot` database, for the block's lifetime."""
    if settings.url is not None:
        yield settings.url
        return
    # pgserver runs initdb and pg_ctl as subprocesses: keep them off the event loop.
    server = EmbeddedPostgres(settings.embedded_data_dir)
    await asyncio.to_thread(server.start)
    try:
        await ensure_database(server.url("postgres"), DEFAULT_DATABASE)
        yield server.url(DEFAULT_DATABASE)
    finally:
        await asyncio.to_thread(server.stop)


@asynccontextmanager
async def open_database(
    settings: DatabaseConfig, *, migrate: bool = True
) -> AsyncIterator[Database]:
    season_cache.configure(settings.seasons_kept)
    async with database_url(settings) as url:
        report = await migrate_url(url) if migrate else None
        pool = await create_pool(url, settings.pool)
        try:
            yield Database(
                url=url,
                pool=pool,
                uow_factory=unit_of_work_factory(pool, settings.pool),
                migrations=report,
            )
        finally:
            await pool.close()
