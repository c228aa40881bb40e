"""Each `bestshot` command imports only what it uses (issue 17): its import path, run in a fresh
process, loads none of the heavy modules it has no use for.

What a command may load is its own business (`serve` needs uvicorn, `db` asyncpg); this table
says what each must not. httpx is loaded by every command that reads the settings: the
providers' declarations, which the settings validate, come with their HTTP client.
"""

from __future__ import annotations

import importlib

import pytest

from entrypoints import commands
from tests.unit.entrypoints.test_cli_lazy_commands import _loaded, _run_in_fresh_process

AWS = ("boto3", "aiobotocore", "botocore")
SERVER = ("uvicorn", "starlette")
HEAVY = ("asyncpg", "httpx", *SERVER, *AWS, "sentry_sdk", "prometheus_client")
# Only with SENTRY_DSN set, and the AWS SDK only with SCHEDULER_KIND=eventbridge or a failure
# queue to read: no command loads them otherwise.
NEVER_UNASKED = (*AWS, "sentry_sdk")

ABSENT: dict[str, tuple[str, ...]] = {
    "table": HEAVY,
    "source": ("asyncpg", *SERVER, *NEVER_UNASKED, "prometheus_client"),
    "db": (*SERVER, *NEVER_UNASKED, "prometheus_client"),
    "serve": NEVER_UNASKED,
    "token": ("asyncpg", *SERVER, *NEVER_UNASKED, "prometheus_client"),
    "schedules": (*SERVER, *NEVER_UNASKED),
    "worker": (*SERVER, *NEVER_UNASKED),
    "failures": HEAVY,
    "dispatcher": (*SERVER, *NEVER_UNASKED),
    "disputes": HEAVY,
    "matches": (*SERVER, *NEVER_UNASKED, "prometheus_client"),
    "demo": NEVER_UNASKED,
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


def test_the_probe_sees_what_a_command_loads() -> None:
    """The checks above can fail: the server's own modules are seen when it loads them."""
    result = _run_in_fresh_process("serve", "--help")
    assert _loaded(result, HEAVY) == sorted(
        ("asyncpg", "httpx", "prometheus_client", "starlette", "uvicorn")
    )


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("adapters.postgres", "create_pool"),
        ("adapters.local_scheduler", "LocalWorker"),
        ("entrypoints.api", "create_app"),
    ],
)
def test_a_lazy_package_gives_its_names_and_refuses_others(package: str, name: str) -> None:
    module = importlib.import_module(package)
    assert callable(getattr(module, name))
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018 - the attribute access is the test
