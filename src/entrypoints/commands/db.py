"""`bestshot db migrate`: bring the database's schema up to date.

Uses `DATABASE_URL`, or, when it is unset, the embedded PostgreSQL in `BESTSHOT_DATA_DIR`.
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
        description="Apply the pending schema migrations to DATABASE_URL, or to the embedded "
        "PostgreSQL when it is unset. Safe to run from several processes at once.",
    )
    migrate.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    # The embedded server says where it is in one log line; show it, and nothing noisier.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("adapters.postgres.embedded").setLevel(logging.INFO)
    settings = read_settings().database.config()
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
