"""What the end-to-end tests share: a database of their own per module, the API's access log,
and a few reads straight from PostgreSQL (to check what the API says against what is stored)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import pytest
from attrs import frozen

from adapters.postgres.admin import drop_database
from entrypoints.cli import main
from tests.conftest import PostgresServerForTests
from tests.integration.aws.emulator import moto_url  # noqa: F401 - a fixture, found by name


@pytest.fixture(scope="module")
def module_database(postgres_server: PostgresServerForTests) -> Iterator[str]:
    """The URL of a fresh, migrated database shared by one module's tests."""
    name = asyncio.run(postgres_server.new_database())
    try:
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


@pytest.fixture
def fresh_database(postgres_server: PostgresServerForTests) -> Iterator[str]:
    """The URL of a fresh, migrated database for one test (usable by tests that are not async)."""
    name = asyncio.run(postgres_server.new_database())
    try:
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


class AccessLog(logging.Handler):
    """The API's access log (`bestshot.access`, one record per request), kept in memory."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.requests: list[tuple[str, str, int | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        method, path, status = (
            getattr(record, name, None) for name in ("method", "path", "status")
        )
        self.requests.append((str(method), str(path), status))

    def patches(self) -> list[tuple[str, int | None]]:
        return [(path, status) for method, path, status in self.requests if method == "PATCH"]


@pytest.fixture
def access_log() -> Iterator[AccessLog]:
    logger = logging.getLogger("bestshot.access")
    recorder = AccessLog()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(recorder)
    try:
        yield recorder
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)


@frozen
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """Runs `bestshot ARGS...` in this process, through the command's entry point, with the
    environment as the test set it; what it printed and its exit status."""
    # The commands set up logging as for a process of their own; this one's is put back after.
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]

    def run(*argv: str) -> Ran:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    try:
        yield run
    finally:
        for logger, level, handlers, propagate, disabled in saved:
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate, logger.disabled = propagate, disabled


async def fetch(url: str, query: str, *args: object) -> list[dict[str, Any]]:
    """Rows of one query on a connection of its own, as plain dicts."""
    connection = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await connection.fetch(query, *args)]
    finally:
        await connection.close()


async def change_count(url: str, tournament: str) -> int:
    rows = await fetch(
        url, "SELECT count(*) AS n FROM match_changes WHERE tournament_id = $1", tournament
    )
    return int(rows[0]["n"])


async def stored_standings(url: str, tournament: str) -> list[dict[str, Any]]:
    """The stored rows of a tournament's tables, in table then row order (no computed time)."""
    return await fetch(
        url,
        """
        SELECT table_index, row_index, position, team, played, won, drawn, lost, goals_for,
               goals_against, goal_difference, points, detail
        FROM standings_rows WHERE tournament_id = $1 ORDER BY table_index, row_index
        """,
        tournament,
    )


async def stored_matches(url: str, tournament: str, round_slug: str) -> dict[str, dict[str, Any]]:
    rows = await fetch(
        url,
        """
        SELECT key, status, home_score, away_score, ended, version FROM matches
        WHERE tournament_id = $1 AND round_slug = $2 ORDER BY key
        """,
        tournament,
        round_slug,
    )
    return {row["key"]: row for row in rows}
