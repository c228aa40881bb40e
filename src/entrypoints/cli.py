"""The `bestshot` command.

Each subcommand lives in its own module under `entrypoints.commands` and exposes
`register(subparsers)`, which adds its parser and sets `handler` (a function of the parsed
arguments returning the exit status). Usage errors exit with status 2 and one line on stderr,
as argparse does; expected failures (`BestshotError`) do the same with the error's message, and
nothing prints a traceback unless `BESTSHOT_DEBUG` is set.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Collection, Sequence

from bestshot_domain.errors import BestshotError
from entrypoints.commands import register_commands

Handler = Callable[[argparse.Namespace], int]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, not argparse's usage block: a script reading stderr gets the reason.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(full: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole CLI; only the commands named in `full` (all when None) import their module."""
    parser = _Parser(
        prog="bestshot",
        description="Keeps a football prediction app's scores and league tables fresh.",
    )
    subparsers = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=_Parser
    )
    subparsers.required = True
    register_commands(subparsers, full)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command `argv` names: its first word that is not an option (the top level has no
    option but --help)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    command = _command(words)
    whole_process = argv is None
    if whole_process:
        # Start-up makes objects that live as long as the process (the command's modules, the
        # engine's classes and presets): the collector would scan them at every collection and
        # free none. Frozen, they are left out (about a fifth of `bestshot table`'s CPU time).
        # Only for the process's own command line: a caller's objects are not ours to freeze.
        gc.disable()
    try:
        parser = build_parser(() if command is None else (command,))
        args = parser.parse_args(words)
    finally:
        if whole_process:
            gc.freeze()
            gc.enable()
    handler: Handler = args.handler
    try:
        return handler(args)
    except BestshotError as error:
        if os.environ.get("BESTSHOT_DEBUG"):
            raise
        print(f"bestshot {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`bestshot ... | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
