"""Schedules as EventBridge Scheduler stores them: the request `ensure` sends, the parts it
compares, the name it is stored under, and a stored schedule read back as the domain's
`PlannedSchedule`.

A schedule is stored as `{name}.{DIGEST}`: the plan's name, a dot, then 8 capitals and digits
(base32) of a digest of the parts `ensure` compares. The plan's names are lowercase, so the
suffix is never part of one, and a listing of the group alone tells which schedules hold what
is planned (`listing`). Names too long for it (over `ROOM` characters) are stored as they are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.eventbridge.expressions import ExpressionStyle, expression, parse_expression
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import PlannedSchedule
from bestshot_routes import Origin, RefusedTarget, Target, check_target

if TYPE_CHECKING:
    from types_aiobotocore_scheduler.type_defs import GetScheduleOutputTypeDef, TargetTypeDef

log = logging.getLogger("adapters.eventbridge")

NAME_MAX = 64  # EventBridge Scheduler's limit on a schedule's name
DIGEST_LENGTH = 8
ROOM = NAME_MAX - DIGEST_LENGTH - 1  # the longest plan name that gets the digest suffix
_STORED = re.compile(rf"(?P<name>[0-9a-z_.-]{{1,{ROOM}}})\.[A-Z2-7]{{{DIGEST_LENGTH}}}")


def content_digest(request: dict[str, Any]) -> str:
    """`DIGEST_LENGTH` characters of base32 naming what a schedule holds (`as_compared`): the
    same for equal contents however they were written. A change to what `as_compared` takes in
    changes every digest: the next plan replaces each schedule once, which is harmless."""
    canonical = json.dumps(as_compared(request), sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.b32encode(digest).decode()[:DIGEST_LENGTH]


def stored_name(name: str, request: dict[str, Any]) -> str:
    """The name a planned schedule named `name`, sent as `request`, is stored under."""
    return f"{name}.{content_digest(request)}" if len(name) <= ROOM else name


def plan_name(stored: str) -> str:
    """The plan's name of a stored schedule: its name without the digest suffix, if any."""
    found = _STORED.fullmatch(stored)
    return found["name"] if found else stored


def schedule_request(
    schedule: PlannedSchedule,
    *,
    origin: Origin,
    style: ExpressionStyle,
    lambda_arn: str,
    role_arn: str,
    group: str,
    retry_attempts: int,
    max_event_age: int,
    dead_letter_arn: str | None,
    flexible_window: int = 0,
) -> dict[str, Any]:
    """The CreateSchedule/UpdateSchedule request of `schedule`, under its `stored_name`: fire the
    Lambda once, with the round's target as input, then delete itself.

    A `cron(...)` one-off is a recurring schedule to EventBridge, which completes (and so
    deletes itself) only after its end date: it gets one just after its one firing (and its
    flexible window). A window of `flexible_window` minutes (0: none) lets EventBridge spread a
    burst of schedules due together."""
    aim = origin.target(schedule.tournament_id, schedule.round_slug, schedule.target_env)
    target: TargetTypeDef = {
        "Arn": lambda_arn,
        "RoleArn": role_arn,
        "Input": json.dumps(aim.to_json(), sort_keys=True),
        "RetryPolicy": {
            "MaximumRetryAttempts": retry_attempts,
            "MaximumEventAgeInSeconds": max_event_age,
        },
    }
    if dead_letter_arn:
        target["DeadLetterConfig"] = {"Arn": dead_letter_arn}
    request: dict[str, Any] = {
        "Name": schedule.name,
        "GroupName": group,
        "Description": f"bestshot: {schedule.tournament_id} / {schedule.round_slug}"[:512],
        "ScheduleExpression": expression(schedule.fire_at, style),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": (
            {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": flexible_window}
            if flexible_window > 0
            else {"Mode": "OFF"}
        ),
        "Target": target,
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
    }
    if style is ExpressionStyle.CRON:
        request["EndDate"] = cron_end(schedule, flexible_window)
    request["Name"] = stored_name(schedule.name, request)
    return request


CRON_GRACE = timedelta(minutes=5)


def cron_end(schedule: PlannedSchedule, flexible_window: int = 0) -> datetime:
    """When a cron one-off stops: a few minutes after its minute and its flexible window (in
    minutes), at the whole second."""
    end = schedule.fire_at.astimezone(UTC) + timedelta(minutes=flexible_window) + CRON_GRACE
    return end.replace(second=0, microsecond=0)


def as_compared(schedule: GetScheduleOutputTypeDef | dict[str, Any]) -> dict[str, Any]:
    """The parts of a schedule that `ensure` owns, in one shape for stored and planned ones.

    The input is compared as parsed JSON, so that key order or spacing chosen by whoever wrote
    it is no reason to update.
    """
    target = schedule.get("Target", {})
    try:
        target_input = json.loads(target.get("Input") or "null")
    except ValueError:
        target_input = target.get("Input")
    return {
        "expression": schedule.get("ScheduleExpression"),
        "timezone": schedule.get("ScheduleExpressionTimezone") or "UTC",
        "window": _window(schedule.get("FlexibleTimeWindow") or {}),
        "after": schedule.get("ActionAfterCompletion") or "NONE",
        "state": schedule.get("State") or "ENABLED",
        "description": schedule.get("Description") or "",
        "arn": target.get("Arn"),
        "role": target.get("RoleArn"),
        "input": target_input,
        "retry": target.get("RetryPolicy") or {},
        "dead_letter": (target.get("DeadLetterConfig") or {}).get("Arn"),
        "end": _moment(schedule.get("EndDate")),
    }


def _window(window: Any) -> tuple[object, object]:
    mode = window.get("Mode")
    return mode, window.get("MaximumWindowInMinutes") if mode == "FLEXIBLE" else None


def _moment(value: object) -> datetime | None:
    # Sent as a datetime, read back as one (botocore parses it), maybe in another zone.
    return value.astimezone(UTC) if isinstance(value, datetime) else None


def planned(raw: GetScheduleOutputTypeDef, origin: Origin) -> PlannedSchedule | None:
    """A stored schedule read back as the domain's value, or None (logged) when it is not one of
    ours: not a one-time expression, or an input that `check_target` refuses for this API."""
    name = raw.get("Name", "?")
    try:
        fire_at = parse_expression(
            raw.get("ScheduleExpression", ""), raw.get("ScheduleExpressionTimezone") or "UTC"
        )
        data = json.loads(raw.get("Target", {}).get("Input") or "")
        target = Target(
            round_url=str(data["roundUrl"]),
            standings_url=str(data["standingsUrl"]),
            target_env=str(data["targetEnv"]),
        )
        aimed = check_target(target, origin)
    except (InvalidInput, RefusedTarget, ValueError, KeyError, TypeError) as error:
        log.warning("skipping schedule %s: not one of bestshot's (%s)", name, error)
        return None
    return PlannedSchedule(
        name=plan_name(name),
        fire_at=fire_at,
        tournament_id=aimed.tournament_id,
        round_slug=aimed.round_slug,
        target_env=target.target_env,
    )
