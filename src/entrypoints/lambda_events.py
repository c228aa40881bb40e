"""The three kinds of event the Lambda handles, read and checked; the handler acts on them.

- a round's schedule: `{"roundUrl", "standingsUrl", "targetEnv"}` (a schedule's target input);
- the day's planning: `{"action": "plan", "targetEnv": "production"}`, from the template's
  recurring schedule, with `scheduledTime` (the scheduler's `<aws.scheduler.scheduled-time>`)
  or `date` (YYYY-MM-DD) naming the day to plan;
- failed invocations to re-fire: SQS records of the failure queue (`{"Records": [...]}`), whose
  body is either a Lambda on-failure destination record (`requestPayload` is the original
  event) or, for an invocation the scheduler could not make, the schedule's input itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from bestshot_domain.errors import InvalidInput

ENVIRONMENTS = ("demo", "production")
PLAN_ACTION = "plan"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidEvent(InvalidInput):
    """The event is not one the function handles; names the field."""


class PlanningEvent(NamedTuple):
    environment: str
    day: str | None  # YYYY-MM-DD; None: the API's default (today, in UTC)


class FailedRecord(NamedTuple):
    """One failed invocation from the failure queue: its original event and when it first
    failed (SQS keeps a message's `SentTimestamp` across receives)."""

    message_id: str
    event: Any
    failed_at: datetime
    error: str | None


def field(event: Mapping[str, Any], name: str) -> str:
    if name not in event:
        raise InvalidEvent(f"{name} is missing")
    value = event[name]
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"{name} must be a non-empty string")
    return value


def environment_of(event: Mapping[str, Any]) -> str:
    environment = field(event, "targetEnv")
    if environment not in ENVIRONMENTS:
        raise InvalidEvent(f"targetEnv must be one of {', '.join(ENVIRONMENTS)}: {environment!r}")
    return environment


def is_planning(event: Any) -> bool:
    return isinstance(event, Mapping) and event.get("action") == PLAN_ACTION


def is_failure_batch(event: Any) -> bool:
    return isinstance(event, Mapping) and isinstance(event.get("Records"), list)


def planning(event: Mapping[str, Any], zone: str | None) -> PlanningEvent:
    """The planning event's environment and day: `date` as given, else the day of
    `scheduledTime` in `zone` (the schedule's time zone), else the API's default."""
    environment = environment_of(event)
    if "date" in event:
        day = field(event, "date")
        if not _DAY.fullmatch(day):
            raise InvalidEvent(f"date must be YYYY-MM-DD, got {day!r}")
        return PlanningEvent(environment, day)
    if "scheduledTime" not in event:
        return PlanningEvent(environment, None)
    raw = field(event, "scheduledTime")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidEvent(f"scheduledTime must be an ISO 8601 moment, got {raw!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return PlanningEvent(environment, _local_day(moment, zone).isoformat())


def _local_day(moment: datetime, zone: str | None) -> date:
    if not zone or zone == "UTC":
        return moment.astimezone(UTC).date()
    # Only for a planning event in another zone: zoneinfo (and tzdata, shipped in the zip).
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        return moment.astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidEvent(f"PLANNING_TIME_ZONE is not a time zone: {zone!r}") from None


def failed_records(event: Mapping[str, Any]) -> list[FailedRecord | str]:
    """Each record of an SQS batch, read; a message id alone for a record that cannot be read
    (it is left in the queue, where the given-up queue and its alarm take it in the end)."""
    records: list[FailedRecord | str] = []
    for raw in event["Records"]:
        message_id = str(raw.get("messageId", "")) if isinstance(raw, Mapping) else ""
        try:
            records.append(_record(raw))
        except (ValueError, TypeError, KeyError, AttributeError):
            records.append(message_id)
    return records


def _record(raw: Mapping[str, Any]) -> FailedRecord:
    body = json.loads(raw["body"])
    sent_ms = int(raw["attributes"]["SentTimestamp"])
    error = None
    if isinstance(body, Mapping) and "requestPayload" in body:  # a Lambda destination record
        response = body.get("responsePayload")
        if isinstance(response, Mapping):
            error = f"{response.get('errorType', '?')}: {response.get('errorMessage', '')}"
        condition = (body.get("requestContext") or {}).get("condition")
        error = error or condition
        body = body["requestPayload"]
    else:  # the scheduler's dead letter: its error is in the message's attributes
        attributes = raw.get("messageAttributes") or {}
        code = (attributes.get("ERROR_CODE") or {}).get("stringValue")
        error = code
    return FailedRecord(
        message_id=str(raw["messageId"]),
        event=body,
        failed_at=datetime.fromtimestamp(sent_ms / 1000, UTC),
        error=error,
    )
