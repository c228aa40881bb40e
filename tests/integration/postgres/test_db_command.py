"""`bestshot db migrate` as a user runs it: on the embedded server, and on a given URL."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.postgres.admin import drop_database
from adapters.postgres.migrator import load_migrations
from entrypoints.cli import main
from entrypoints.database import open_database
from entrypoints.settings import read_settings
from tests.conftest import PostgresServerForTests

pytestmark = pytest.mark.integration


def bestshot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "entrypoints.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Outside pytest's basetemp, which a concurrent pytest run may prune under a live server.
    folder = Path(tempfile.mkdtemp(prefix="bestshot-test-data-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_embedded_server_starts_is_reused_and_stops_with_the_process(data_dir: Path) -> None:
    env = {"BESTSHOT_DATA_DIR": str(data_dir)}
    first = bestshot("db", "migrate", env=env)
    assert first.returncode == 0, first.stderr
    labels = [m.label for m in load_migrations()]
    assert first.stdout.startswith(f"applied {len(labels)} migration(s): {', '.join(labels)}")
    pgdata = data_dir / "pgdata"
    # One line says where the server is.
    (where,) = [line for line in first.stderr.splitlines() if "embedded PostgreSQL" in line]
    assert str(pgdata) in where
    # Stopped on exit: PostgreSQL removes its pid file when it shuts down.
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists()

    second = bestshot("db", "migrate", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith(
        f"database is up to date ({len(labels)} migration(s) already applied)"
    )
    assert not (pgdata / "postmaster.pid").exists()


def test_migrate_on_database_url(postgres_url: str) -> None:
    result = bestshot("db", "migrate", env={"DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("database is up to date")  # a copy of the migrated template
    assert "embedded" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": "postgresql://bestshot:hunter2@/bestshot?host=/nonexistent"},
            "the database cannot be reached",
        ),
        ({"DATABASE_URL": "mysql://root:hunter2@localhost/x"}, "DATABASE_URL: must be"),
        ({"BESTSHOT_DB_POOL_MAX": "lots"}, "BESTSHOT_DB_POOL_MAX: Input should be a valid integer"),
    ],
)
def test_bad_settings_exit_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BESTSHOT_DEBUG", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["db", "migrate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("bestshot db: error: ")
    assert message in err
    assert "hunter2" not in err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:secret@host:notaport/db",
        "postgresql://u:secret@/db?sslmode=sometimes",
    ],
)
def test_a_malformed_database_url_is_one_line_without_the_password(url: str) -> None:
    # A process of its own, as a user runs it: no traceback, whatever asyncpg raises.
    result = bestshot("db", "migrate", env={"DATABASE_URL": url, "BESTSHOT_DEBUG": ""})

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "bestshot db: error: the database URL is not a valid PostgreSQL URL\n"
    assert "secret" not in result.stderr


def test_db_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db"])
    assert exit_.value.code == 2
    assert (
        capsys.readouterr().err
        == "bestshot db: error: the following arguments are required: ACTION\n"
    )


async def test_open_database_migrates_and_pools(postgres_server: PostgresServerForTests) -> None:
    name = await postgres_server.new_database(migrated=False)
    try:
        settings = read_settings(
            {"DATABASE_URL": postgres_server.url(name), "BESTSHOT_DB_POOL_MAX": "2"}
        ).database.config()
        async with open_database(settings) as database:
            assert database.migrations is not None
            assert [m.label for m in database.migrations.applied] == [
                m.label for m in load_migrations()
            ]
            assert database.pool.get_max_size() == 2
            async with database.uow_factory() as uow:
                assert list(await uow.tournaments.list()) == []
            shown = await database.pool.fetchval("SHOW statement_timeout")
            assert shown == "15s"
    finally:
        await drop_database(postgres_server.admin_url, name)


@pytest.mark.parametrize("how", ["MIGRATION_DATABASE_URL", "--database-url"])
async def test_migrations_run_with_the_migrating_roles_url_not_the_services(
    postgres_server: PostgresServerForTests, how: str
) -> None:
    # The service's URL names a database nobody can reach: migrating must not use it.
    name = await postgres_server.new_database(migrated=False)
    try:
        url = postgres_server.url(name)
        env = {"DATABASE_URL": "postgresql://service:hunter2@/bestshot?host=/nonexistent"}
        args = ["db", "migrate"]
        if how == "--database-url":
            args.append(f"--database-url={url}")
        else:
            env["MIGRATION_DATABASE_URL"] = url
        result = await asyncio.to_thread(bestshot, *args, env=env)
        assert result.returncode == 0, result.stderr
        labels = [m.label for m in load_migrations()]
        assert result.stdout.startswith(f"applied {len(labels)} migration(s)")
    finally:
        await drop_database(postgres_server.admin_url, name)


def test_a_migration_url_that_is_not_postgresql_is_refused_without_the_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db", "migrate", "--database-url", "mysql://root:hunter2@localhost/x"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--database-url: must be a postgresql:// URL" in err
    assert "hunter2" not in err
