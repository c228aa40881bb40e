"""Apply the SQL migrations shipped in `adapters.postgres.migrations`.

Each pending migration runs in its own transaction and is recorded in `schema_migrations` with
the SHA-256 of its file, all under a session-level advisory lock: two processes starting at once
take turns, and the second finds nothing left to do. Before applying anything, every recorded
migration is checked against its file; a file changed after it was applied, or a database that
knows migrations this code does not, is refused with an error naming the migration.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from importlib import resources

import asyncpg
from attrs import frozen

from adapters.postgres.errors import dsn_errors, storage_errors
from bestshot_domain.errors import BestshotError

MIGRATIONS_PACKAGE = "adapters.postgres.migrations"
_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

# pg_advisory_lock takes a bigint; this one is "bestshot" in ASCII, so that it is recognisable
# in pg_locks and unlikely to collide with another application's lock in the same database.
MIGRATION_LOCK_KEY = int.from_bytes(b"bestshot", "big") & 0x7FFF_FFFF_FFFF_FFFF


class MigrationError(BestshotError):
    """The migrations cannot be applied safely (a changed file, an unknown applied version)."""


@frozen
class Migration:
    version: int
    name: str
    sql: str
    checksum: str  # SHA-256 of the file's bytes, hex

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


@frozen
class MigrationReport:
    applied: tuple[Migration, ...]  # applied by this run, in order
    already: int  # how many were applied before


def load_migrations(package: str = MIGRATIONS_PACKAGE) -> tuple[Migration, ...]:
    """Every `NNNN_name.sql` in the package, ordered by version; gaps and duplicates refused."""
    found: dict[int, Migration] = {}
    for entry in resources.files(package).iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match is None:
            continue
        data = entry.read_bytes()
        migration = Migration(
            version=int(match["version"]),
            name=match["name"],
            sql=data.decode("utf-8"),
            checksum=hashlib.sha256(data).hexdigest(),
        )
        if migration.version in found:
            raise MigrationError(
                f"two migrations numbered {migration.version:04d}: "
                f"{found[migration.version].label} and {migration.label}"
            )
        found[migration.version] = migration
    ordered = tuple(found[version] for version in sorted(found))
    for expected, migration in enumerate(ordered, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration {expected:04d} is missing before {migration.label}")
    return ordered


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


async def migrate(
    connection: asyncpg.Connection, migrations: Sequence[Migration] | None = None
) -> MigrationReport:
    """Bring the database up to date. `connection` must not be inside a transaction."""
    wanted = tuple(load_migrations() if migrations is None else migrations)
    with storage_errors():
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        try:
            return await _migrate_locked(connection, wanted)
        finally:
            if not connection.is_closed():
                await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def _migrate_locked(
    connection: asyncpg.Connection, wanted: Sequence[Migration]
) -> MigrationReport:
    await connection.execute(_CREATE_LEDGER)
    rows = await connection.fetch("SELECT version, name, checksum FROM schema_migrations")
    recorded = {row["version"]: row for row in rows}
    known = {migration.version: migration for migration in wanted}
    for version in sorted(recorded):
        row = recorded[version]
        migration = known.get(version)
        if migration is None:
            raise MigrationError(
                f"the database has migration {version:04d}_{row['name']}, which this version of "
                "bestshot does not know; refusing to run against a newer schema"
            )
        if row["checksum"] != migration.checksum:
            raise MigrationError(
                f"migration {migration.label} was changed after it was applied "
                f"(recorded checksum {row['checksum'][:12]}, file {migration.checksum[:12]}); "
                "restore the file and put the change in a new migration"
            )
    applied = []
    for migration in wanted:
        if migration.version in recorded:
            continue
        async with connection.transaction():
            try:
                await connection.execute(migration.sql)
            except asyncpg.PostgresError as error:
                first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
                raise MigrationError(
                    f"migration {migration.label} failed and was rolled back: "
                    f"{type(error).__name__}: {first_line}"
                ) from error
            await connection.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
        applied.append(migration)
    return MigrationReport(applied=tuple(applied), already=len(recorded))


async def migrate_url(dsn: str, migrations: Sequence[Migration] | None = None) -> MigrationReport:
    """Open a connection of its own (no statement timeout: a migration may take a while)."""
    with storage_errors(), dsn_errors():
        connection = await asyncpg.connect(dsn, server_settings={"statement_timeout": "0"})
    try:
        return await migrate(connection, migrations)
    finally:
        with storage_errors():
            await connection.close()
