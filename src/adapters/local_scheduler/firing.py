"""Firing a local schedule: the same caller the Lambda runs, after the same target check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from attrs import frozen

from adapters.caller import CallerConfig, CallUnavailable
from adapters.caller_async import call_round_and_standings_async
from adapters.local_scheduler.store import LocalSchedule
from bestshot_domain.errors import BestshotError, InvalidInput
from bestshot_routes import Origin, check_target


@frozen
class FireReport:
    """What firing a schedule found: whether the round still has matches under way."""

    overdue: int = 0  # matches still live or past their kickoff without a result
    follow_up: str | None = None  # the follow-up the API ensured for them
    detail: str = ""


Fire = Callable[[LocalSchedule], Awaitable[FireReport]]
"""Fires one schedule; raises `RetryableFireError` or any other exception (final) on failure."""


class RetryableFireError(BestshotError):
    """A failure worth another attempt later (the API was down or answered 5xx)."""


def caller_fire(token: str, api_base_url: str, **caller_options: Any) -> Fire:
    """A `Fire` that runs the caller (the Lambda's code) against the schedule's URLs, which
    must be on `api_base_url` (the API's own URL); others are refused without a request."""
    config = CallerConfig(**caller_options)
    try:  # a bad setting fails here, at start, not at the first firing
        origin = Origin.parse(api_base_url)
    except ValueError as error:
        raise InvalidInput(str(error)) from None

    async def fire(record: LocalSchedule) -> FireReport:
        # The schedules table is data: whoever could write a row must not be able to walk the
        # internal token to another host (RefusedTarget, final).
        aimed = check_target(record.target, origin)
        try:
            summary = await call_round_and_standings_async(
                aimed.round_url, aimed.standings_url, token=token, config=config
            )
        except CallUnavailable as error:
            raise RetryableFireError(str(error)) from None
        body = summary.round.body if isinstance(summary.round.body, dict) else {}
        overdue = body.get("overdue")
        follow_up = body.get("followUp")
        return FireReport(
            overdue=len(overdue) if isinstance(overdue, list) else 0,
            follow_up=follow_up if isinstance(follow_up, str) else None,
        )

    return fire
