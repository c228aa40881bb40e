"""`bestshot disputes list TOURNAMENT`: the finals providers disagree on, newest first, from
the configured database (README, "Fallback provider and verified finals"). Closing one is the
admin API's (`POST .../disputes/{id}/close`), which records who asked."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from bestshot_domain import disputes, text
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.verification import Dispute
from entrypoints.commands import HELP


def _score(score: Any) -> dict[str, int] | None:
    return None if score is None else {"home": score.home, "away": score.away}


def dispute_json(dispute: Dispute) -> dict[str, Any]:
    """A dispute as the API lists it (camelCase)."""
    return {
        "id": dispute.id,
        "match": dispute.match,
        "round": dispute.round_slug,
        "kind": str(dispute.kind),
        "answers": [
            {
                "provider": a.provider,
                "status": str(a.status),
                "score": _score(a.score),
                "shootout": _score(a.shootout),
            }
            for a in dispute.answers
        ],
        "open": dispute.is_open,
        "openedAt": dispute.opened_at.isoformat(),
        "closedAt": None if dispute.closed_at is None else dispute.closed_at.isoformat(),
        "closedBy": None if dispute.closed_by is None else str(dispute.closed_by),
        "reason": dispute.reason,
    }


def table(found: Sequence[Dispute]) -> str:
    if not found:
        return "no disputes"
    lines = [["ID", "OPENED (UTC)", "STATE", "MATCH", "KIND", "ANSWERS"]]
    for d in found:
        state = "open" if d.is_open else f"closed ({d.closed_by})"
        when = d.opened_at.isoformat()[:16].replace("T", " ")
        answers = " / ".join(map(str, d.answers))
        lines.append([d.id, when, state, d.match, str(d.kind), answers])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


async def render(
    tournament_id: str, *, open_only: bool, as_json: bool, uow_factory: UnitOfWorkFactory
) -> str:
    found = await disputes.list_disputes(
        tournament_id, uow_factory=uow_factory, open_only=open_only
    )
    if as_json:
        rows = [dispute_json(d) for d in found]
        return json.dumps({"tournament": tournament_id, "disputes": rows}, indent=2)
    return table(found)


async def _from_database(args: argparse.Namespace) -> str:
    # The database alone (as `bestshot matches`): no provider, scheduler or HTTP client.
    from entrypoints.database import open_database  # noqa: PLC0415 - asyncpg, only when run
    from entrypoints.settings import load_settings  # noqa: PLC0415

    async with open_database(load_settings().database.config()) as database:
        return await render(
            args.tournament,
            open_only=args.open,
            as_json=args.json,
            uow_factory=database.uow_factory,
        )


def _tournament(value: str) -> str:
    if not text.is_slug(value):
        raise argparse.ArgumentTypeError(f"not a tournament id: {value!r}")
    return value


def _list(args: argparse.Namespace) -> int:
    print(asyncio.run(_from_database(args)))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "disputes",
        help=HELP["disputes"],
        description="Finals the providers disagree on (verify modes, README).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    action = actions.add_parser("list", help="list a tournament's disputes, newest first")
    action.add_argument("tournament", type=_tournament, help="the tournament's id")
    action.add_argument("--open", action="store_true", help="only the open ones")
    action.add_argument("--json", action="store_true", help="print JSON")
    action.set_defaults(handler=_list)
