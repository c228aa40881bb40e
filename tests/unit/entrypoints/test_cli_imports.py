"""Each `bestshot` command imports only what it uses (issue 17): its import path, run in a fresh
process, loads none of the heavy modules it has no use for.

What a command may load is its own business (`serve` needs uvicorn, `db` asyncpg); this table
says what each must not. Reading the settings loads neither the providers' HTTP client (httpx)
nor FBref's page reader (bs4): a command loads them when it fetches or reads a page. Runs against
the database: tests/integration/e2e/test_command_imports.py.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from entrypoints import commands
from tests.unit.entrypoints.test_cli_lazy_commands import _loaded, _run_in_fresh_process

ROOT = Path(__file__).resolve().parents[3]
SAVED = ROOT / "tests" / "data" / "sources"

AWS = ("boto3", "aiobotocore", "botocore")
SERVER = ("uvicorn", "starlette")
# The providers' HTTP client and FBref's page reader: only to fetch, or to read a page.
HTTP = ("httpx", "bs4")
HEAVY = ("asyncpg", *HTTP, *SERVER, *AWS, "sentry_sdk", "prometheus_client")
# Only with SENTRY_DSN set, and the AWS SDK only with SCHEDULER_KIND=eventbridge or a failure
# queue to read: no command loads them otherwise.
NEVER_UNASKED = (*AWS, "sentry_sdk")

ABSENT: dict[str, tuple[str, ...]] = {
    "table": HEAVY,
    # The settings only to fetch: `source parse` reads a file with the provider's parser alone.
    "source": ("asyncpg", *HTTP, *SERVER, *NEVER_UNASKED, "prometheus_client", "pydantic_settings"),
    "db": (*HTTP, *SERVER, *NEVER_UNASKED, "prometheus_client"),
    "serve": (*NEVER_UNASKED, "bs4"),
    "token": ("asyncpg", *HTTP, *SERVER, *NEVER_UNASKED, "prometheus_client"),
    "schedules": (*HTTP, *SERVER, *NEVER_UNASKED),
    "worker": (*HTTP, *SERVER, *NEVER_UNASKED),
    "failures": HEAVY,
    "dispatcher": (*HTTP, *SERVER, *NEVER_UNASKED),
    "disputes": HEAVY,
    "matches": (*HTTP, *SERVER, *NEVER_UNASKED, "prometheus_client"),
    "demo": (*NEVER_UNASKED, "bs4"),
}


def test_every_command_is_checked() -> None:
    assert set(ABSENT) == {command.name for command in commands.COMMANDS}


@pytest.mark.parametrize("command", sorted(ABSENT))
def test_a_command_loads_no_heavy_module_it_does_not_use(command: str) -> None:
    result = _run_in_fresh_process(command, "--help")
    assert result["status"] == 0
    assert _loaded(result, ABSENT[command]) == []


def test_minting_a_token_reads_the_settings_without_a_driver_or_a_server() -> None:
    """Run, not only listed: reading and checking every setting loads no database driver."""
    result = _run_in_fresh_process("token", "admin")
    assert result["status"] == 0
    assert str(result["out"]).count(".") == 2  # a JWT
    assert _loaded(result, ABSENT["token"]) == []


def test_reading_a_saved_payload_loads_no_http_client() -> None:
    """Run: the settings read, a provider's source found and its JSON parsed, nothing fetched."""
    saved = sorted((SAVED / "espn").glob("scoreboard_*.json"))[0]
    result = _run_in_fresh_process("source", "parse", "espn", str(saved), "--json")
    assert result["status"] == 0
    assert str(result["out"]).lstrip().startswith("{")
    assert _loaded(result, ABSENT["source"]) == []


def test_the_probe_sees_what_a_command_loads() -> None:
    """The checks above can fail: the server's own modules are seen when it loads them, FBref's
    page reader when a page is read (the HTTP client when a provider is asked:
    test_cli_lazy_commands)."""
    result = _run_in_fresh_process("serve", "--help")
    assert _loaded(result, HEAVY) == sorted(
        ("asyncpg", "prometheus_client", "starlette", "uvicorn")
    )
    page = SAVED / "html" / "fbref_sched_tbody_fragment_EPL_2024-08.html"
    result = _run_in_fresh_process("source", "parse", "fbref", str(page), "--json")
    assert result["status"] == 0
    assert _loaded(result, HEAVY) == ["bs4"]


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("adapters.postgres", "create_pool"),
        ("adapters.local_scheduler", "LocalWorker"),
        ("entrypoints.api", "create_app"),
        ("adapters.webhooks", "WebhookDispatcher"),
    ],
)
def test_a_lazy_package_gives_its_names_and_refuses_others(package: str, name: str) -> None:
    module = importlib.import_module(package)
    assert callable(getattr(module, name))
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018 - the attribute access is the test
