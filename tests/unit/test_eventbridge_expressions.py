"""Reading a schedule expression back to the moment it fires."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.eventbridge import parse_expression
from bestshot_domain.errors import InvalidInput

minutes = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59)
).map(lambda moment: moment.replace(second=0, microsecond=0, tzinfo=UTC))


@given(minutes)
def test_at_parses_back_to_its_moment(moment: datetime) -> None:
    assert parse_expression(f"at({moment:%Y-%m-%dT%H:%M:%S})") == moment


@given(minutes)
def test_cron_parses_back_to_its_moment(moment: datetime) -> None:
    expression = f"cron({moment.minute} {moment.hour} {moment.day} {moment.month} ? {moment.year})"
    assert parse_expression(expression) == moment


def test_a_schedule_in_another_time_zone() -> None:
    # 21:30 in São Paulo (UTC-3, no daylight saving since 2019) is 00:30 UTC the next day.
    fired = parse_expression("cron(30 21 28 11 ? 2026)", "America/Sao_Paulo")
    assert fired == datetime(2026, 11, 29, 0, 30, tzinfo=UTC)
    assert fired.tzinfo is UTC


@pytest.mark.parametrize(
    "expression",
    [
        "rate(5 minutes)",
        "cron(0 12 * * ? *)",
        "cron(0 12 31 2 ? 2026)",  # 31 February
        "at(2026-11-28 17:30:00)",
        "",
    ],
)
def test_anything_that_is_not_one_moment_is_refused(expression: str) -> None:
    with pytest.raises(InvalidInput):
        parse_expression(expression)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        parse_expression("at(2026-11-28T17:30:00)", "Mars/Olympus")
