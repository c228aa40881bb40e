"""`bestshot db migrate [--database-url URL]`: bring the database's schema up to date.

Uses `--database-url`, else `MIGRATION_DATABASE_URL` (a role that owns the schema, so that the
service's own role needs no DDL), else `DATABASE_URL`, or, when that is unset too, the embedded
PostgreSQL in `BESTSHOT_DATA_DIR`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from adapters.postgres import MigrationReport, migrate_url
from entrypoints.commands import HELP
from entrypoints.database import database_url
from entrypoints.settings import DatabaseConfig, read_settings


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    db = subparsers.add_parser("db", help=HELP["db"])
    actions = db.add_subparsers(title="actions", dest="action", metavar="ACTION")
    actions.required = True
    migrate = actions.add_parser(
        "migrate",
        help="apply the pending schema migrations",
        description="Apply the pending schema migrations to --database-url, else "
        "MIGRATION_DATABASE_URL, else DATABASE_URL, or to the embedded PostgreSQL when none is "
        "set. Safe to run from several processes at once.",
    )
    migrate.add_argument(
        "--database-url",
        type=_postgresql_url,
        default=None,
        metavar="URL",
        help="the migrating role's postgresql:// URL (prefer MIGRATION_DATABASE_URL: a "
        "command line is visible to other users of the machine)",
    )
    migrate.set_defaults(handler=run_migrate)


def _postgresql_url(value: str) -> str:
    if not value.startswith(("postgresql://", "postgres://")):
        # Never the value: it may carry a password.
        raise argparse.ArgumentTypeError("must be a postgresql:// URL")
    return value


def run_migrate(args: argparse.Namespace) -> int:
    # The embedded server says where it is in one log line; show it, and nothing noisier.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("adapters.postgres.embedded").setLevel(logging.INFO)
    settings = read_settings().database.migration_config(args.database_url)
    report = asyncio.run(_migrate(settings))
    print(describe(report))
    return 0


async def _migrate(settings: DatabaseConfig) -> MigrationReport:
    async with database_url(settings) as url:
        return await migrate_url(url)


def describe(report: MigrationReport) -> str:
    if not report.applied:
        return f"database is up to date ({report.already} migration(s) already applied)"
    names = ", ".join(migration.label for migration in report.applied)
    return f"applied {len(report.applied)} migration(s): {names}"
