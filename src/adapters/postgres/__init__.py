"""PostgreSQL persistence: the asyncpg pool, SQL migrations, repositories, the unit of work.

`create_pool` opens the pool, `migrate_url` brings the schema up to date, and
`unit_of_work_factory(pool)` is the `UnitOfWorkFactory` the use cases take. `embedded` starts a
PostgreSQL server from the `pgserver` wheel when no server is configured.

The names below are imported when first asked for (PEP 562): a module that needs only a plain
value of this package (`config.PoolConfig`, read by the settings) does not load asyncpg.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.postgres.config import PoolConfig
    from adapters.postgres.migrator import MigrationError, MigrationReport, migrate, migrate_url
    from adapters.postgres.pool import create_pool
    from adapters.postgres.unit_of_work import PostgresUnitOfWork, unit_of_work_factory

_HOMES = {
    "MigrationError": "migrator",
    "MigrationReport": "migrator",
    "PoolConfig": "config",
    "PostgresUnitOfWork": "unit_of_work",
    "create_pool": "pool",
    "migrate": "migrator",
    "migrate_url": "migrator",
    "unit_of_work_factory": "unit_of_work",
}

__all__ = [
    "MigrationError",
    "MigrationReport",
    "PoolConfig",
    "PostgresUnitOfWork",
    "create_pool",
    "migrate",
    "migrate_url",
    "unit_of_work_factory",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
