"""EventBridge Scheduler's one-time expressions: `at(...)` and the equivalent `cron(...)`.

Standard library only, so that the edges can show a schedule's expression without loading the
AWS SDK.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bestshot_domain.errors import InvalidInput


class ExpressionStyle(enum.StrEnum):
    AT = "at"  # at(2026-11-28T17:30:00): a one-time schedule
    CRON = "cron"  # cron(30 17 28 11 ? 2026): the same moment as a cron expression


def expression(fire_at: datetime, style: ExpressionStyle = ExpressionStyle.AT) -> str:
    """The scheduler expression for a one-time firing at `fire_at`, in UTC."""
    moment = fire_at.astimezone(UTC)
    if style is ExpressionStyle.CRON:
        return f"cron({moment.minute} {moment.hour} {moment.day} {moment.month} ? {moment.year})"
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


_AT = re.compile(r"at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)")
_CRON = re.compile(r"cron\((\d{1,2}) (\d{1,2}) (\d{1,2}) (\d{1,2}) \? (\d{4})\)")


def _wall_clock(text: str) -> datetime:
    """The fields of a one-time `at(...)` or `cron(M H D MON ? YYYY)`, labelled UTC."""
    try:
        if found := _AT.fullmatch(text):
            year, month, day, hour, minute, second = map(int, found.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        if found := _CRON.fullmatch(text):
            minute, hour, day, month, year = map(int, found.groups())
            return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError as error:
        raise InvalidInput(f"not a valid moment in {text!r}: {error}") from error
    raise InvalidInput(f"not a one-time schedule expression: {text!r}")


def parse_expression(expression: str, timezone: str = "UTC") -> datetime:
    """The one moment an `at(...)` or a `cron(M H D MON ? YYYY)` fires, in UTC.

    The zone is the schedule's `ScheduleExpressionTimezone`, UTC for every schedule of ours but
    not necessarily for one made by hand. Raises InvalidInput for anything that does not name a
    single moment (rate(), wildcards).
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(f"unknown time zone {timezone!r}") from error
    return _wall_clock(expression).replace(tzinfo=zone).astimezone(UTC)
