"""attrs validators for configuration values, raising InvalidInput that names the field.

Numbers and durations alike: a `timedelta` is compared with a zero duration. `None` passes, for
optional settings that are simply not set.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bestshot_domain.errors import InvalidInput

Amount = int | float | timedelta | None


def _sign(value: Amount) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return 0 if value is None else value


def positive(_: object, attribute: Any, value: Amount) -> None:
    if value is not None and _sign(value) <= 0:
        raise _invalid(attribute, "must be positive", value)


def non_negative(_: object, attribute: Any, value: Amount) -> None:
    if value is not None and _sign(value) < 0:
        raise _invalid(attribute, "must not be negative", value)


def _invalid(attribute: Any, rule: str, value: Amount) -> InvalidInput:
    return InvalidInput(f"{getattr(attribute, 'name', 'value')} {rule}, got {value!r}")
