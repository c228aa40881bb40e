"""The subcommands of `bestshot`, one module each; `COMMANDS` lists their `register` functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from entrypoints.commands import serve, token

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

COMMANDS: list[Register] = [serve.register, token.register]
