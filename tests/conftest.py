"""Fixtures shared by every test folder.

Hypothesis: the `dev` profile by default, `ci` when CI=true (or HYPOTHESIS_PROFILE=ci): the same
examples on every run, so a CI failure replays. No profile has a deadline: the machine's load is
not the code's behaviour.

Everything under tests/integration is marked `integration` here, so `make unit`
(`-m "not integration"`) never needs a server, whatever a module forgets to mark.

PostgreSQL: one server per test session, either the one `BESTSHOT_TEST_DATABASE_URL` points at
(a role that may create databases) or an embedded one started from `pgserver` in a temporary
folder. The schema is migrated once into a template database; each test that asks for
`postgres_url` gets a fresh copy of it (a file copy, a few milliseconds) and it is dropped
afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from attrs import frozen
from hypothesis import settings

from adapters.postgres import PoolConfig, create_pool, migrate_url, unit_of_work_factory
from adapters.postgres.admin import drop_database, ensure_database, with_database
from adapters.postgres.embedded import EmbeddedPostgres
from bestshot_domain.ports import UnitOfWorkFactory


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """Logging's global state back as it was after each test.

    `configure_logging` (serve, the worker, the Lambda) binds a handler to the `sys.stderr` of
    the moment, pytest's capture during a test, and sets the record factory and the libraries'
    levels; left behind, a later test's log lines go to a closed stream, or are filtered out.
    """
    loggers = [
        logging.getLogger(),
        *(
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ),
    ]
    saved = [(lg, list(lg.handlers), lg.level, lg.disabled, lg.propagate) for lg in loggers]
    factory = logging.getLogRecordFactory()
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
        for logger, handlers, level, disabled, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.disabled = disabled
            logger.propagate = propagate


settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

INTEGRATION = Path(__file__).parent / "integration"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        _id_from_name(item)
        if item.path.is_relative_to(INTEGRATION):
            item.add_marker(pytest.mark.integration)
    ids = Counter(item.nodeid for item in items)
    if shared := sorted(nodeid for nodeid, count in ids.items() if count > 1):
        # pytest-xdist keys tests by id: all but one of each would silently not run.
        raise pytest.UsageError(f"tests share an id: {shared}")


def _id_from_name(item: pytest.Item) -> None:
    """The id of a test its plugin named `test[...]` without a parametrization, as its name.

    pytest 9 makes a function's id from its `originalname` and parametrization only; schemathesis
    names each operation's test `test[GET /path]` but gives them all the bare `originalname`, so
    every operation would share one id (and xdist would run only one of them).
    """
    if not isinstance(item, pytest.Function) or item.nodeid.endswith(f"::{item.name}"):
        return
    prefix = f"{item.originalname}["
    if item.parent is None or not (item.name.startswith(prefix) and item.name.endswith("]")):
        return
    item._id = item.parent.id.child(item.originalname).with_params(item.name[len(prefix) : -1])


@frozen
class PostgresServerForTests:
    admin_url: str  # a database of the server that tests never write to
    template: str  # the migrated template each test database copies

    def url(self, database: str) -> str:
        return with_database(self.admin_url, database)

    async def new_database(self, *, migrated: bool = True) -> str:
        name = f"test_{uuid.uuid4().hex[:16]}"
        await ensure_database(self.admin_url, name, template=self.template if migrated else None)
        return name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServerForTests]:
    external = os.environ.get("BESTSHOT_TEST_DATABASE_URL")
    embedded: EmbeddedPostgres | None = None
    if external:
        admin_url = external
    else:
        # Not under pytest's basetemp: another pytest run on the machine may prune that folder
        # while this server still lives in it. pgserver deletes this one when it stops.
        folder = Path(tempfile.mkdtemp(prefix="bestshot-test-pg-"))
        embedded = EmbeddedPostgres(folder / "pgdata", cleanup="delete").start()
        admin_url = embedded.url("postgres")
    template = f"bestshot_template_{os.getpid()}"
    server = PostgresServerForTests(admin_url=admin_url, template=template)

    async def make_template() -> None:
        if embedded is not None:
            # A throwaway server needs no durability; tests commit a lot and go faster without.
            connection = await asyncpg.connect(admin_url)
            try:
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    await connection.execute(f"ALTER SYSTEM SET {setting} = off")
                await connection.execute("SELECT pg_reload_conf()")
            finally:
                await connection.close()
        await drop_database(admin_url, template)
        await ensure_database(admin_url, template)
        await migrate_url(server.url(template))

    try:
        asyncio.run(make_template())
        yield server
    finally:
        try:
            asyncio.run(drop_database(admin_url, template))
        finally:
            if embedded is not None:
                embedded.stop()
                shutil.rmtree(embedded.data_dir.parent, ignore_errors=True)


@pytest.fixture
async def postgres_url(postgres_server: PostgresServerForTests) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database of its own, dropped after the test."""
    name = await postgres_server.new_database()
    try:
        yield postgres_server.url(name)
    finally:
        await drop_database(postgres_server.admin_url, name)


# The service waits 1.5 s for a free connection, then answers 503 (tested on its own); tests run
# many units of work at once on four connections of a busy machine, and wait as long as needed.
TEST_POOL = PoolConfig(
    min_size=1, max_size=4, statement_timeout=10.0, command_timeout=15.0, acquire_timeout=10.0
)


@pytest.fixture
async def postgres_pool(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(postgres_url, TEST_POOL)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def one_connection(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool of a single connection: a test holding it exhausts the pool (the busy-pool tests
    of the local scheduler and the webhook store)."""
    pool = await create_pool(postgres_url, PoolConfig(min_size=1, max_size=1))
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def postgres_uow_factory(postgres_pool: asyncpg.Pool) -> UnitOfWorkFactory:
    return unit_of_work_factory(postgres_pool, TEST_POOL)
