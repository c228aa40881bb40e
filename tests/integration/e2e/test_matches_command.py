"""`bestshot matches override|release|history` through the command's entry point, on a real
database."""

from __future__ import annotations

import asyncio
import json

import pytest

from adapters.postgres import create_pool, unit_of_work_factory
from bestshot_domain.model import ChangeKind, MatchChange
from tests.builders import T0, match
from tests.conftest import TEST_POOL
from tests.contracts.seed import seed_league
from tests.integration.e2e.conftest import Cli

pytestmark = [pytest.mark.integration]

KEY = "scripted:m1"


async def _seed(url: str) -> None:
    pool = await create_pool(url, TEST_POOL)
    try:
        factory = unit_of_work_factory(pool, TEST_POOL)
        stored = match("m1")
        await seed_league(factory, matches=[stored])
        async with factory() as uow:
            created = MatchChange(
                KEY,
                "liga-test",
                "matchday-1",
                ChangeKind.CREATED,
                None,
                stored.state,
                "imported",
                T0,
            )
            await uow.changes.record_many([created])
            await uow.commit()
    finally:
        await pool.close()


def test_an_override_released_and_read_back_from_the_command_line(
    cli: Cli, fresh_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    asyncio.run(_seed(fresh_database))
    where = ("liga-test", "matchday-1", KEY)

    ran = cli(
        "matches",
        "override",
        *where,
        "--status",
        "finished",
        "--score",
        "2-1",
        "--reason",
        "official report",
        "--by",
        "ops",
    )
    assert ran.code == 0, ran.err
    assert ran.out.strip() == f"{KEY}: finished 2-1 (overridden by ops: official report)"
    again = cli(
        "matches",
        "override",
        *where,
        "--status",
        "finished",
        "--score",
        "2-1",
        "--reason",
        "official report",
        "--by",
        "ops",
    )
    assert again.out.strip().endswith("nothing changed")
    assert cli("matches", "release", *where, "--by", "ops").code == 0

    listed = cli("matches", "history", *where, "--json")
    assert listed.code == 0, listed.err
    body = json.loads(listed.out)
    assert [c["kind"] for c in body["changes"]] == ["release", "override", "created"]
    assert [c["source"] for c in body["changes"]] == ["ops", "ops", "scripted"]
    table = cli("matches", "history", *where).out.splitlines()
    assert table[0].split()[:4] == ["ID", "AT", "(UTC)", "KIND"]
    assert len(table) == 4


def test_bad_overrides_exit_with_a_message(
    cli: Cli, fresh_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    asyncio.run(_seed(fresh_database))
    where = ("liga-test", "matchday-1")
    unknown = cli(
        "matches",
        "override",
        *where,
        "scripted:zz",
        "--status",
        "finished",
        "--score",
        "1-0",
        "--reason",
        "x",
    )
    assert unknown.code == 2
    assert "no match 'scripted:zz'" in unknown.err
    scoreless = cli("matches", "override", *where, KEY, "--status", "finished", "--reason", "x")
    assert scoreless.code == 2
    assert "needs a score" in scoreless.err
    with pytest.raises(SystemExit) as bad_score:
        cli(
            "matches",
            "override",
            *where,
            KEY,
            "--status",
            "finished",
            "--score",
            "two-one",
            "--reason",
            "x",
        )
    assert bad_score.value.code == 2
