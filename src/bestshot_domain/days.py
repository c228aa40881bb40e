"""The days bestshot accepts from outside: one range, checked wherever a day comes in.

Near the ends of `datetime.date`'s range the arithmetic of planning (a day's bounds in a time
zone east or west of UTC, a demo season of weekly matchdays around its anchor day) overflows;
no football calendar needs those days. The API's `?date=`, demo references and the use cases
check days with `check_day`, so that every later step stays within `date`'s range.
"""

from __future__ import annotations

from datetime import date

from bestshot_domain.errors import InvalidInput

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)
RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


class DayOutOfRange(InvalidInput):
    """A day outside FIRST_DAY .. LAST_DAY."""


def check_day(day: date, what: str = "the day") -> date:
    """`day` when it is within the accepted range, else DayOutOfRange naming `what` and the
    range (never the value, which may be anything a caller sent)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayOutOfRange(f"{what} must be {RANGE}")
    return day
