"""`bestshot matches override|release|history`: an admin's overrides of a match, and its
history, from the command line, on the configured database (README, Overrides).

The same use cases as the API's admin routes (`bestshot_domain.overrides`); the history is the
API's read (`entrypoints.match_history`), printed as a table or as the API's JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import re
from collections.abc import Callable

from adapters.system_clock import SystemClock
from bestshot_domain import overrides, text
from bestshot_domain.model import Ending, MatchStatus, Score
from bestshot_domain.overrides import OverrideOutcome
from entrypoints.api.schemas.overrides import HISTORY_MAX, change_out
from entrypoints.commands import HELP
from entrypoints.database import open_database
from entrypoints.logs import configure_logging
from entrypoints.match_history import history_page
from entrypoints.settings import load_settings

_SCORE = re.compile(r"(\d{1,3})-(\d{1,3})")


def _score(value: str) -> Score:
    found = _SCORE.fullmatch(value)
    if found is None:
        raise argparse.ArgumentTypeError(f"a score is written HOME-AWAY (2-1), got {value!r}")
    return Score(int(found[1]), int(found[2]))


def _slug(value: str) -> str:
    if not text.is_slug(value):
        raise argparse.ArgumentTypeError(f"not a tournament id or round slug: {value!r}")
    return value


def _limit(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if not 1 <= number <= HISTORY_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {HISTORY_MAX}")
    return number


def _describe(outcome: OverrideOutcome) -> str:
    match, state = outcome.match, outcome.match.state
    score = "" if state.score is None else f" {state.score}"
    what = f"{match.key}: {state.status}{score}"
    if outcome.override is not None:
        what += f" (overridden by {outcome.override.by}: {outcome.override.reason})"
    return what if outcome.changed else f"{what}; nothing changed"


async def _override(args: argparse.Namespace) -> str:
    settings = load_settings()
    async with open_database(settings.database.config()) as database:
        outcome = await overrides.set_override(
            args.tournament,
            args.round,
            args.match,
            status=args.status,
            score=args.score,
            ended=args.ended,
            shootout=args.shootout,
            reason=args.reason,
            by=args.by,
            uow_factory=database.uow_factory,
            clock=SystemClock(),
        )
    return _describe(outcome)


async def _release(args: argparse.Namespace) -> str:
    settings = load_settings()
    async with open_database(settings.database.config()) as database:
        outcome = await overrides.release_override(
            args.tournament,
            args.round,
            args.match,
            by=args.by,
            uow_factory=database.uow_factory,
            clock=SystemClock(),
        )
    return _describe(outcome)


async def _history(args: argparse.Namespace) -> str:
    settings = load_settings()
    async with open_database(settings.database.config()) as database:
        match, page, next_before = await history_page(
            database.uow_factory,
            args.tournament,
            args.round,
            args.match,
            before=None,
            limit=args.limit,
        )
    changes = [change_out(match, recorded) for recorded in page]
    if args.json:
        rows = [change.model_dump(mode="json", by_alias=True) for change in changes]
        return json.dumps(
            {"match": match.key, "changes": rows, "nextBefore": next_before}, indent=2
        )
    lines = [["ID", "AT (UTC)", "KIND", "SOURCE", "AFTER", "REASON"]]
    for change in changes:
        after = change.after
        score = "" if after.score is None else f" {after.score.home}-{after.score.away}"
        lines.append(
            [
                str(change.id),
                change.at.isoformat()[:16].replace("T", " "),
                change.kind.value,
                change.source,
                f"{after.status.value}{score}",
                change.reason,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _run(handler: str) -> Callable[[argparse.Namespace], int]:
    work = {"override": _override, "release": _release, "history": _history}[handler]

    def run(args: argparse.Namespace) -> int:
        configure_logging("WARNING", ())
        print(asyncio.run(work(args)))
        return 0

    return run


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "matches",
        help=HELP["matches"],
        description="Override a match by hand (providers never change it meanwhile), release "
        "the override, or read the match's history; on the configured database.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    by = f"cli:{getpass.getuser()}"
    for name, helping in (
        ("override", "set the match's state by hand, with a reason"),
        ("release", "release the match's override: its provider's next answer applies"),
        ("history", "every change of the match, newest first"),
    ):
        action = actions.add_parser(name, help=helping)
        action.add_argument("tournament", type=_slug, metavar="TOURNAMENT")
        action.add_argument("round", type=_slug, metavar="ROUND")
        action.add_argument("match", metavar="MATCH", help="the match's key: espn:704512")
        if name == "override":
            action.add_argument(
                "--status", type=MatchStatus, required=True, choices=list(MatchStatus)
            )
            action.add_argument("--score", type=_score, help="HOME-AWAY, e.g. 2-1")
            action.add_argument("--ended", type=Ending, choices=list(Ending))
            action.add_argument("--shootout", type=_score, help="HOME-AWAY, e.g. 4-3")
            action.add_argument("--reason", required=True, help="why, for the record")
        if name in ("override", "release"):
            action.add_argument("--by", default=by, help=f"who, for the record (default: {by})")
        else:
            action.add_argument("--limit", type=_limit, default=50, help="at most this many (50)")
            action.add_argument("--json", action="store_true", help="print JSON")
        action.set_defaults(handler=_run(name))
