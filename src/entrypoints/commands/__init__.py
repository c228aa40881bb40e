"""The subcommands of `bestshot`, one module each, imported only when that command runs.

`COMMANDS` lists each command's name, its module and the line `bestshot --help` shows for it;
the module's `register(subparsers)` adds its full parser (with that line, from `HELP`) and its
handler. The top-level parser lists every command from `COMMANDS` alone, so `bestshot table`
never imports the server, the database driver or AWS (issue 12, part 6).
"""

import argparse
import importlib
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

# Any: the CLI's subparsers make its own ArgumentParser subclass, and the action is invariant.
Register = Callable[["argparse._SubParsersAction[Any]"], None]


# Annotations evaluated (no `from __future__ import annotations`): typing would compile each
# string annotation of a NamedTuple, and the first compile() of a process costs about a
# millisecond of `bestshot table`'s start-up.
class Command(NamedTuple):
    name: str
    module: str
    help: str


COMMANDS: tuple[Command, ...] = (
    Command("table", "entrypoints.commands.table", "compute a league table from a results file"),
    Command(
        "source", "entrypoints.commands.source", "read a result provider's payload, saved or live"
    ),
    Command("db", "entrypoints.commands.db", "manage the database"),
    Command("serve", "entrypoints.commands.serve", "serve the HTTP API"),
    Command("token", "entrypoints.commands.token", "print credentials for local use"),
    Command(
        "schedules",
        "entrypoints.commands.schedules",
        "plan the day, list or delete schedules on the configured scheduler",
    ),
    Command(
        "worker",
        "entrypoints.commands.worker",
        "fire the local scheduler's schedules (without serving the API)",
    ),
    Command(
        "failures",
        "entrypoints.commands.failures",
        "list or re-fire the Lambda's failed invocations",
    ),
    Command(
        "dispatcher",
        "entrypoints.commands.dispatcher",
        "deliver events to the webhook subscriptions",
    ),
    Command("disputes", "entrypoints.commands.disputes", "list a tournament's disputes"),
    Command(
        "matches",
        "entrypoints.commands.matches",
        "override a match by hand, release it, or read its history",
    ),
    Command(
        "demo",
        "entrypoints.commands.demo",
        "run one simulated matchday end to end in seconds (make demo)",
    ),
)

HELP = {command.name: command.help for command in COMMANDS}


def register_commands(
    subparsers: "argparse._SubParsersAction[Any]", full: Collection[str] | None = None
) -> None:
    """Add every command, in `COMMANDS`' order: those named in `full` (all when None) by their
    module's `register`, the others as a bare entry with their help line, never parsed."""
    for command in COMMANDS:
        if full is None or command.name in full:
            register: Register = importlib.import_module(command.module).register
            register(subparsers)
        else:
            subparsers.add_parser(command.name, help=command.help)
