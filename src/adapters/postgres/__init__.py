"""PostgreSQL persistence: the asyncpg pool, SQL migrations, repositories, the unit of work.

`create_pool` opens the pool, `migrate_url` brings the schema up to date, and
`unit_of_work_factory(pool)` is the `UnitOfWorkFactory` the use cases take. `embedded` starts a
PostgreSQL server from the `pgserver` wheel when no server is configured.
"""

from adapters.postgres.migrator import MigrationError, MigrationReport, migrate, migrate_url
from adapters.postgres.pool import PoolConfig, create_pool
from adapters.postgres.unit_of_work import PostgresUnitOfWork, unit_of_work_factory

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
