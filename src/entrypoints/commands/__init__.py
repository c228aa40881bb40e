"""The subcommands of `bestshot`, one module each; `COMMANDS` lists their `register` functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from entrypoints.commands import source

# Any: the CLI hands over subparsers of its own ArgumentParser subclass.
Register = Callable[["argparse._SubParsersAction[Any]"], None]

COMMANDS: list[Register] = [source.register]
