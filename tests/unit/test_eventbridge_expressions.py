"""EventBridge's one-time expressions: written from a moment, read back to it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.eventbridge.expressions import ExpressionStyle, expression, parse_expression
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


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 28, hour, minute, tzinfo=UTC)


class TestExpressions:
    def test_at_is_the_default(self) -> None:
        assert expression(at(17, 30)) == "at(2026-11-28T17:30:00)"

    def test_cron_names_the_same_minute(self) -> None:
        assert expression(at(7, 5), ExpressionStyle.CRON) == "cron(5 7 28 11 ? 2026)"

    def test_both_mean_utc(self) -> None:
        local = datetime(2026, 11, 28, 20, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
        assert expression(local) == "at(2026-11-28T23:00:00)"
        assert expression(local, ExpressionStyle.CRON) == "cron(0 23 28 11 ? 2026)"

    @pytest.mark.parametrize(
        "text",
        [
            "rate(5 minutes)",
            "cron(0 12 * * ? *)",
            "at(2026-02-30T10:00:00)",
            "cron(61 10 1 1 ? 2026)",
            "at(2026-11-28 17:30:00)",
        ],
    )
    def test_anything_but_a_one_time_expression_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidInput):
            parse_expression(text)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(ExpressionStyle),
)
def test_the_time_in_an_expression_parses_back(moment: datetime, style: ExpressionStyle) -> None:
    moment = moment.replace(second=0, microsecond=0)
    assert parse_expression(expression(moment, style)) == moment
    seconds = moment.replace(second=42)
    assert parse_expression(expression(seconds)) == seconds
