"""Whole databases: make sure one exists, copy one from a template, drop one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from adapters.postgres.errors import storage_errors
from bestshot_domain.errors import InvalidInput

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quoted(name: str) -> str:
    # Database names cannot be query parameters; only plain lower-case names are accepted.
    if not _NAME.fullmatch(name):
        raise InvalidInput(f"database name {name!r} must match {_NAME.pattern}")
    return f'"{name}"'


async def ensure_database(admin_dsn: str, name: str, *, template: str | None = None) -> bool:
    """Create database `name` unless it exists (copied from `template` when given).

    `admin_dsn` points at another database of the same server (e.g. `postgres`). Returns
    whether it was created.
    """
    quoted = _quoted(name)
    with storage_errors():
        connection = await asyncpg.connect(admin_dsn)
        try:
            copy = ""
            if template:
                copy = f" TEMPLATE {_quoted(template)}"
                # A small template copies fastest file by file (PostgreSQL 15 on); the default,
                # WAL_LOG, pays for writing every page to the WAL.
                if connection.get_server_version().major >= 15:
                    copy += " STRATEGY FILE_COPY"
            if await connection.fetchval("SELECT true FROM pg_database WHERE datname = $1", name):
                return False
            try:
                await connection.execute(f"CREATE DATABASE {quoted}{copy}")
            except asyncpg.DuplicateDatabaseError:
                return False  # created meanwhile by another process
            return True
        finally:
            await connection.close()


async def drop_database(admin_dsn: str, name: str) -> None:
    """Drop database `name` if it exists, closing its sessions first."""
    with storage_errors():
        connection = await asyncpg.connect(admin_dsn)
        try:
            await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        finally:
            await connection.close()


def with_database(dsn: str, name: str) -> str:
    """The same server URL pointing at database `name`."""
    parts = urlsplit(dsn)
    if parts.scheme not in ("postgresql", "postgres"):
        raise InvalidInput("the database URL is not a postgresql:// URL")
    return urlunsplit(parts._replace(path=f"/{name}"))
