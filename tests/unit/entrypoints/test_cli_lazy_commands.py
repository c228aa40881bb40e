"""The CLI imports a command's module only when that command runs (issue 12, part 6)."""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from entrypoints import commands
from entrypoints.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[3]
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"

# What `bestshot table` must not pay for: servers, the database driver and its embedded server,
# AWS, Sentry, the HTTP client, settings and the providers' HTML parser.
HEAVY = (
    "asyncpg",
    "starlette",
    "uvicorn",
    "aiobotocore",
    "botocore",
    "sentry_sdk",
    "httpx",
    "pgserver",
    "pydantic",
    "pydantic_settings",
    "bs4",
    "jwt",
    "entrypoints.bootstrap",
    "entrypoints.settings",
    "adapters.postgres",
)
# Nor what its own path once paid for at every start: attrs (with inspect, dis, threading) and
# pathlib (with urllib.parse and ipaddress).
SLOW_TO_START = ("attr", "attrs", "inspect", "pathlib", "urllib", "ipaddress")

CHILD = """
import contextlib, io, json, sys
from entrypoints.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        status = main(sys.argv[1:])
    except SystemExit as exit_:  # --help
        status = exit_.code
# A name marked absent (None: httpx's command-line client) was not imported.
modules = sorted(name for name, module in sys.modules.items() if module is not None)
print(json.dumps({"status": status, "out": out.getvalue(), "modules": modules}))
"""


def _run_in_fresh_process(*argv: str) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_table_command_imports_neither_servers_nor_drivers_nor_clouds() -> None:
    result = _run_in_fresh_process("table", str(WORLD_CUP), "--rules", "fifa_world_cup", "--json")
    assert result["status"] == 0
    assert json.loads(str(result["out"]))["era"] == "fifa_world_cup_2018"
    modules = set(result["modules"])  # type: ignore[call-overload]
    loaded = sorted(
        name
        for name in HEAVY + SLOW_TO_START
        if any(m == name or m.startswith(f"{name}.") for m in modules)
    )
    assert loaded == []
    # The other commands' modules are listed, not imported.
    assert "entrypoints.commands.table" in modules
    assert not {"entrypoints.commands.serve", "entrypoints.commands.demo"} & modules


def test_a_server_command_still_imports_what_it_needs() -> None:
    """The check above can fail: the same probe sees the server's modules when they load."""
    result = _run_in_fresh_process("serve", "--help")
    assert result["status"] == 0
    assert "--no-worker" in str(result["out"])
    modules = set(result["modules"])  # type: ignore[call-overload]
    assert {"uvicorn", "entrypoints.commands.serve"} <= modules


def _loaded(result: dict[str, object], names: tuple[str, ...]) -> list[str]:
    modules = set(result["modules"])  # type: ignore[call-overload]
    return sorted(
        name for name in names if any(m == name or m.startswith(f"{name}.") for m in modules)
    )


# httpx's command-line client and what it pulls in (issue 17): never, whatever the command.
HTTPX_CLI = ("httpx._main", "rich", "pygments")
SERVER = ("starlette", "uvicorn", "sentry_sdk", "aiobotocore", "botocore", "entrypoints.bootstrap")


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (("token", "admin", "--help"), HTTPX_CLI + SERVER),
        (("source", "--help"), HTTPX_CLI + SERVER),
        (("db", "migrate", "--help"), HTTPX_CLI + SERVER + ("jwt",)),
        (("failures", "--help"), HTTPX_CLI + SERVER + HEAVY),
        (("serve", "--help"), (*HTTPX_CLI, "aiobotocore", "botocore", "pgserver")),
        (("worker", "--help"), (*HTTPX_CLI, "uvicorn", "aiobotocore", "botocore", "pgserver")),
    ],
)
def test_each_command_imports_only_what_it_uses(
    argv: tuple[str, ...], absent: tuple[str, ...]
) -> None:
    result = _run_in_fresh_process(*argv)
    assert result["status"] == 0
    assert _loaded(result, absent) == []


def test_the_probe_sees_httpx_when_a_command_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above can fail: httpx itself loads, only its command-line client does not."""
    # A live fetch (nothing listens on port 9 of the loopback: one attempt, refused at once).
    monkeypatch.setenv("BESTSHOT_ESPN_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BESTSHOT_HTTP_ATTEMPTS", "1")
    result = _run_in_fresh_process("source", "fetch", "espn", "eng.1:20250815-20250816")
    assert result["status"] != 0
    assert _loaded(result, ("httpx", *HTTPX_CLI)) == ["httpx"]


def test_the_lazy_listing_is_the_full_one() -> None:
    """`bestshot --help` built without importing any command equals the one built from every
    command's own parser: same commands, same order, same help lines."""
    assert build_parser(()).format_help() == build_parser().format_help()


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    (commands_action,) = (a for a in parser._actions if a.dest == "command")
    choices = cast("dict[str, argparse.ArgumentParser]", commands_action.choices)
    return choices[name]


@pytest.mark.parametrize("command", [command.name for command in commands.COMMANDS])
def test_each_command_registers_under_its_listed_name_and_help(command: str) -> None:
    lazy_help = _subparser(build_parser((command,)), command).format_help()
    assert lazy_help == _subparser(build_parser(), command).format_help()
    assert "--help" in lazy_help


def test_an_unknown_command_is_a_usage_error_naming_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["tabel"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'tabel'" in err
    assert all(f"'{command.name}'" in err for command in commands.COMMANDS)


def test_options_before_the_command_still_show_the_top_level_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help", "table"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: bestshot [-h] COMMAND ...")
    flowing = " ".join(out.split())  # argparse wraps long names' help lines
    assert all(command.help in flowing for command in commands.COMMANDS)


FREEZE = """
import gc, sys
sys.argv = ["bestshot", "table", sys.argv[1]]
from entrypoints.cli import main
main()
print(gc.get_freeze_count() > 0, gc.isenabled())
"""


def test_a_whole_process_freezes_what_start_up_made_and_collects_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", FREEZE, str(WORLD_CUP)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.splitlines()[-1] == "True True"
    # Called with arguments (a test, a library caller), nothing of the caller's is frozen.
    before = gc.get_freeze_count()
    assert main(["table", str(WORLD_CUP)]) == 0
    capsys.readouterr()
    assert (gc.get_freeze_count(), gc.isenabled()) == (before, True)
