"""The subcommands of `bestshot`, one module each; `COMMANDS` lists their `register` functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from entrypoints.commands import (
    db,
    demo,
    failures,
    schedules,
    serve,
    source,
    table,
    token,
    worker,
)

# Any: the CLI's subparsers make its own ArgumentParser subclass, and the action is invariant.
Register = Callable[["argparse._SubParsersAction[Any]"], None]

COMMANDS: list[Register] = [
    table.register,
    source.register,
    db.register,
    serve.register,
    token.register,
    schedules.register,
    worker.register,
    failures.register,
    demo.register,
]
