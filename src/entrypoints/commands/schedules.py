"""`bestshot schedules plan|list|delete NAME`: the day's plan, and what will fire and when, on
the configured scheduler.

`plan` runs the API's planning use case (`POST /api/v2/data-provider/scheduler`) from the
command line, and prints the same JSON the API answers with `--json`. With the local scheduler
(the default) the list shows every schedule it keeps, fired and failed ones included, with
attempts and the last error; with EventBridge, the schedules of the group.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

from adapters.local_scheduler import LocalSchedule
from bestshot_domain.days import RANGE, check_day
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import PlannedSchedule, ResultSource
from entrypoints.api.schemas.schedules import SchedulesOut, schedule_out
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


# Planning, listing and deleting fetch from no provider: no source is built (nor its HTTP client
# loaded).
NO_SOURCES: Mapping[str, ResultSource] = MappingProxyType({})


async def list_schedules(as_json: bool) -> str:
    settings = load_settings()
    async with bootstrap(settings, sources=NO_SOURCES) as service:
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


async def plan_day(day: date | None, dry_run: bool) -> SchedulesOut:
    """What the API's planning answers: the day's schedules, each made sure of (unless a dry
    run), and the earlier plan's stale ones deleted."""
    settings = load_settings()
    view = ScheduleView.of(settings)
    async with bootstrap(settings, sources=NO_SOURCES) as service:
        day = day if day is not None else service.clock.now().date()
        results = await service.use_cases.create_daily_schedules(day, dry_run)
    return SchedulesOut(
        day=day,
        dry_run=dry_run,
        schedules=[
            schedule_out(result, view.target(result.schedule), view.expression(result.schedule))
            for result in results
        ],
    )


def _plan_table(answer: SchedulesOut) -> str:
    what = "planned (dry run)" if answer.dry_run else "planned"
    if not answer.schedules:
        return f"{answer.day.isoformat()}: nothing to schedule"
    rows = [["NAME", "FIRES AT (UTC)", "TOURNAMENT", "ROUND", "STATUS"]]
    rows += [
        [s.name, s.fire_at.isoformat()[:16].replace("T", " "), s.tournament, s.round, s.status]
        for s in answer.schedules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
    return f"{answer.day.isoformat()}: {what}\n{table}"


def _day(value: str) -> date:
    """`--date`: a day written YYYY-MM-DD within the range the API accepts (`days`)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day written YYYY-MM-DD: {value!r}") from None
    try:
        return check_day(day, "--date")
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(str(error)) from None


async def delete_schedule(name: str) -> str:
    async with bootstrap(load_settings(), sources=NO_SOURCES) as service:
        await service.scheduler.delete(name)
    return f"deleted {name}"


def _list(args: argparse.Namespace) -> int:
    configure_logging("WARNING", ())
    print(asyncio.run(list_schedules(args.json)))
    return 0


def _plan(args: argparse.Namespace) -> int:
    configure_logging("WARNING", ())
    answer = asyncio.run(plan_day(args.date, args.dry_run))
    if args.json:
        print(answer.model_dump_json(by_alias=True, indent=2))
    else:
        print(_plan_table(answer))
    return 0


def _delete(args: argparse.Namespace) -> int:
    configure_logging("WARNING", ())
    print(asyncio.run(delete_schedule(args.name)))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schedules",
        help=HELP["schedules"],
        description="Plan a day's schedules (as POST /api/v2/data-provider/scheduler does), see "
        "what will fire and when (SCHEDULER_KIND=local: the schedules kept in PostgreSQL with "
        "their state; eventbridge: the schedule group), or delete one.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    planning = actions.add_parser(
        "plan", help="plan a day's schedules and make sure each exists (as the API does)"
    )
    planning.add_argument(
        "--date",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help=f"the day to plan, {RANGE} (default: today, in UTC)",
    )
    planning.add_argument(
        "--dry-run", action="store_true", help="only plan: create or delete nothing"
    )
    planning.add_argument("--json", action="store_true", help="print the API's JSON answer")
    planning.set_defaults(handler=_plan)
    listing = actions.add_parser("list", help="list the schedules, by firing time")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)
    deleting = actions.add_parser("delete", help="delete one schedule by name")
    deleting.add_argument("name", metavar="NAME")
    deleting.set_defaults(handler=_delete)
