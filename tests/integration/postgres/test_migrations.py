"""Migrations on a real server: in order, once, under a lock, refusing a changed history."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from attrs import evolve

from adapters.postgres.admin import drop_database
from adapters.postgres.migrator import (
    MIGRATION_LOCK_KEY,
    Migration,
    MigrationError,
    load_migrations,
    migrate_url,
)
from tests.conftest import PostgresServerForTests

pytestmark = pytest.mark.integration


@pytest.fixture
async def empty_url(postgres_server: PostgresServerForTests) -> AsyncIterator[str]:
    """A database with nothing in it: not even the migrations' ledger."""
    name = await postgres_server.new_database(migrated=False)
    try:
        yield postgres_server.url(name)
    finally:
        await drop_database(postgres_server.admin_url, name)


async def ledger(url: str) -> list[tuple[int, str, str]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version"
        )
    finally:
        await connection.close()
    return [(row["version"], row["name"], row["checksum"]) for row in rows]


async def tables(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    return {row["tablename"] for row in rows}


def with_extra(sql: str) -> Migration:
    data = sql.encode()
    return Migration(
        version=len(load_migrations()) + 1,
        name="extra",
        sql=sql,
        checksum=hashlib.sha256(data).hexdigest(),
    )


def test_the_shipped_migrations_are_numbered_from_one_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].label == "0001_initial"
    for migration in migrations:
        assert migration.checksum == hashlib.sha256(migration.sql.encode()).hexdigest()


async def test_an_empty_database_gets_every_migration_then_a_second_run_does_nothing(
    empty_url: str,
) -> None:
    first = await migrate_url(empty_url)
    assert [m.label for m in first.applied] == [m.label for m in load_migrations()]
    assert first.already == 0
    assert {"tournaments", "teams", "matches", "match_changes", "standings_rows"} <= await tables(
        empty_url
    )
    recorded = await ledger(empty_url)

    second = await migrate_url(empty_url)
    assert second.applied == ()
    assert second.already == len(load_migrations())
    assert await ledger(empty_url) == recorded


async def test_a_new_migration_is_applied_after_the_others(empty_url: str) -> None:
    await migrate_url(empty_url)
    extra = with_extra("CREATE TABLE extra_things (id integer PRIMARY KEY);")
    report = await migrate_url(empty_url, [*load_migrations(), extra])
    assert report.applied == (extra,)
    assert "extra_things" in await tables(empty_url)


async def test_a_changed_applied_migration_is_refused_by_name(empty_url: str) -> None:
    await migrate_url(empty_url)
    first, *rest = load_migrations()
    tampered = evolve(
        first,
        sql=first.sql + "\n-- edited later\n",
        checksum=hashlib.sha256((first.sql + "\n-- edited later\n").encode()).hexdigest(),
    )
    extra = with_extra("CREATE TABLE never_made (id integer);")
    with pytest.raises(MigrationError, match="0001_initial was changed after it was applied"):
        await migrate_url(empty_url, [tampered, *rest, extra])
    assert "never_made" not in await tables(empty_url)  # nothing applied past the refusal


async def test_a_database_newer_than_the_code_is_refused(empty_url: str) -> None:
    extra = with_extra("CREATE TABLE from_the_future (id integer);")
    await migrate_url(empty_url, [*load_migrations(), extra])
    with pytest.raises(MigrationError, match=f"{extra.label}.*does not know"):
        await migrate_url(empty_url)


async def test_a_failing_migration_leaves_nothing_of_itself(empty_url: str) -> None:
    await migrate_url(empty_url)
    broken = with_extra("CREATE TABLE half_made (id integer); SELECT 1 / 0;")
    with pytest.raises(MigrationError, match=f"{broken.label} failed.*division by zero"):
        await migrate_url(empty_url, [*load_migrations(), broken])
    assert "half_made" not in await tables(empty_url)
    assert len(await ledger(empty_url)) == len(load_migrations())


def test_migration_files_must_not_leave_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "gappy_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "0001_first.sql").write_text("SELECT 1;")
    (package / "0003_third.sql").write_text("SELECT 3;")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(MigrationError, match="0002 is missing before 0003_third"):
        load_migrations("gappy_migrations")


def _migrate_process(url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url, "BESTSHOT_DEBUG": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "db", "migrate"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_two_processes_migrating_at_once_apply_each_migration_once(empty_url: str) -> None:
    processes = [_migrate_process(empty_url) for _ in range(2)]
    outputs = [await asyncio.to_thread(p.communicate, timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    said = sorted(out.strip() for out, _ in outputs)
    assert said[0].startswith("applied ")
    assert said[1].startswith("database is up to date")
    assert [name for _, name, _ in await ledger(empty_url)] == [m.name for m in load_migrations()]


async def test_a_migrating_process_waits_for_the_lock(empty_url: str) -> None:
    holder = await asyncpg.connect(empty_url)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        process = _migrate_process(empty_url)
        waiting = """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND objid = ($1::bigint & 4294967295)
        """
        while not await holder.fetchval(waiting, MIGRATION_LOCK_KEY):
            assert process.poll() is None, process.communicate()
            await asyncio.sleep(0.02)
        # It waits on our lock, and has applied nothing meanwhile.
        assert "tournaments" not in await tables(empty_url)
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        out, err = await asyncio.to_thread(process.communicate, timeout=60)
    finally:
        await holder.close()
    assert process.returncode == 0, err
    assert out.startswith("applied ")
    assert "tournaments" in await tables(empty_url)
