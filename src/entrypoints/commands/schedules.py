"""`bestshot schedules list|delete NAME`: what will fire and when, on the configured scheduler.

With the local scheduler (the default) the list shows every schedule it keeps, fired and failed
ones included, with attempts and the last error; with EventBridge, the schedules of the group.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from adapters.local_scheduler import LocalSchedule
from bestshot_domain.ports import PlannedSchedule
from entrypoints.bootstrap import bootstrap
from entrypoints.commands import HELP
from entrypoints.logs import configure_logging
from entrypoints.schedule_view import ScheduleView
from entrypoints.settings import load_settings


def _planned_json(schedule: PlannedSchedule, view: ScheduleView) -> dict[str, Any]:
    return {
        "name": schedule.name,
        "expression": view.expression(schedule),
        "fireAt": schedule.fire_at.isoformat(),
        "tournament": schedule.tournament_id,
        "round": schedule.round_slug,
        "target": view.target(schedule).to_json(),
    }


def _local_json(record: LocalSchedule, view: ScheduleView) -> dict[str, Any]:
    return {
        **_planned_json(record.schedule, view),
        "target": record.target.to_json(),  # as kept, which may no longer be this API's
        "state": record.state.value,
        "attempts": record.attempts,
        "firedAt": record.fired_at.isoformat() if record.fired_at else None,
        "lastError": record.last_error,
    }


def _table(rows: Sequence[dict[str, Any]], local: bool) -> str:
    if not rows:
        return "no schedules"
    header = ["NAME", "FIRES AT (UTC)", "TOURNAMENT", "ROUND"]
    if local:
        header += ["STATE", "ATTEMPTS", "LAST ERROR"]
    lines = [header]
    for row in rows:
        line = [row["name"], row["fireAt"][:16].replace("T", " "), row["tournament"], row["round"]]
        if local:
            line += [row["state"], str(row["attempts"]), row["lastError"] or ""]
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


async def list_schedules(as_json: bool) -> str:
    settings = load_settings()
    async with bootstrap(settings) as service:
        local = service.local_scheduler
        view = ScheduleView.of(settings)
        if local is not None:
            rows = [_local_json(record, view) for record in await local.records()]
        else:
            rows = [_planned_json(schedule, view) for schedule in await service.scheduler.list()]
    if as_json:
        kind = settings.scheduling.kind.value
        return json.dumps({"scheduler": kind, "schedules": rows}, indent=2)
    return _table(rows, local=local is not None)


async def delete_schedule(name: str) -> str:
    async with bootstrap(load_settings()) as service:
        await service.scheduler.delete(name)
    return f"deleted {name}"


def _list(args: argparse.Namespace) -> int:
    configure_logging("WARNING", ())
    print(asyncio.run(list_schedules(args.json)))
    return 0


def _delete(args: argparse.Namespace) -> int:
    configure_logging("WARNING", ())
    print(asyncio.run(delete_schedule(args.name)))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schedules",
        help=HELP["schedules"],
        description="See what will fire and when (SCHEDULER_KIND=local: the schedules kept in "
        "PostgreSQL with their state; eventbridge: the schedule group), or delete one.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    listing = actions.add_parser("list", help="list the schedules, by firing time")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)
    deleting = actions.add_parser("delete", help="delete one schedule by name")
    deleting.add_argument("name", metavar="NAME")
    deleting.set_defaults(handler=_delete)
