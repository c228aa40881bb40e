"""The commands that read the settings and the database, run in a fresh process against a real
one: none loads the providers' HTTP client or FBref's page reader, a server or an AWS SDK; the
worker, which calls the API, loads its HTTP client (issue 17). Their import paths alone:
tests/unit/entrypoints/test_cli_imports.py."""

from __future__ import annotations

import pytest

from tests.unit.entrypoints.test_cli_imports import HTTP, NEVER_UNASKED, SERVER
from tests.unit.entrypoints.test_cli_lazy_commands import _loaded, _run_in_fresh_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ABSENT = (*HTTP, *SERVER, *NEVER_UNASKED)


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (("db", "migrate"), 0),
        (("schedules", "list", "--json"), 0),
        (("schedules", "plan", "--dry-run", "--date", "2026-03-15"), 0),
        (("schedules", "delete", "no-such-schedule"), 2),
        (("disputes", "list", "no-such-tournament"), 2),
        (("matches", "history", "no-such-tournament", "matchday-1", "no-such-match"), 2),
    ],
)
def test_a_database_command_loads_no_http_client_server_or_cloud(
    argv: tuple[str, ...], status: int, module_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", module_database)
    result = _run_in_fresh_process(*argv)
    assert result["status"] == status
    assert _loaded(result, ("asyncpg", *ABSENT)) == ["asyncpg"]


def test_the_worker_loads_the_client_it_calls_the_api_with(
    module_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: a command that makes HTTP calls is seen loading httpx."""
    monkeypatch.setenv("DATABASE_URL", module_database)
    result = _run_in_fresh_process("worker", "--once")
    assert result["status"] == 0
    assert str(result["out"]).strip() == "nothing due"
    assert _loaded(result, ("asyncpg", *ABSENT)) == ["asyncpg", "httpx"]
