"""`caller_fire`: the worker fires a schedule with the Lambda's caller, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.caller import CallRejected
from adapters.local_scheduler import (
    FireReport,
    LocalSchedule,
    RetryableFireError,
    ScheduleState,
    caller_fire,
)
from bestshot_routes import RefusedTarget, Target
from tests.builders import FIRE, planned
from tests.integration.caller.scripted_api import (
    ROUND_PATH,
    STANDINGS_PATH,
    TOKEN,
    Answer,
    ScriptedAPI,
    serving,
)

pytestmark = pytest.mark.integration

FAST = {"attempts": 2, "backoff_initial": 0.01, "backoff_max": 0.02, "read_timeout": 5.0}


@pytest.fixture
def api() -> Iterator[ScriptedAPI]:
    yield from serving()


@pytest.fixture
def elsewhere() -> Iterator[ScriptedAPI]:
    yield from serving()


def aimed_at(api: ScriptedAPI, round_url: str | None = None) -> LocalSchedule:
    """A schedule as the local table keeps it, with its target's URLs on `api`."""
    target = Target(round_url or api.url(ROUND_PATH), api.url(STANDINGS_PATH), "demo")
    return LocalSchedule(
        schedule=planned(),
        target=target,
        state=ScheduleState.RUNNING,
        attempts=1,
        next_attempt_at=FIRE,
        fired_at=None,
        last_error=None,
    )


async def test_a_round_still_under_way_is_reported_with_the_apis_follow_up(
    api: ScriptedAPI,
) -> None:
    body = {"overdue": ["espn:1", "espn:2"], "awaiting": ["espn:1"], "followUp": "liga_r1_f1"}
    api.then(ROUND_PATH, Answer(200, body))
    report = await caller_fire(TOKEN, api.origin, **FAST)(aimed_at(api))
    assert report == FireReport(overdue=2, follow_up="liga_r1_f1")
    assert api.paths() == [ROUND_PATH, STANDINGS_PATH]
    assert all(seen.headers["X-Internal-Token"] == TOKEN for seen in api.seen)


async def test_an_api_that_stays_down_is_worth_a_later_attempt(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(503, {"title": "down"}), Answer(503, {"title": "down"}))
    with pytest.raises(RetryableFireError, match="503") as caught:
        await caller_fire(TOKEN, api.origin, **FAST)(aimed_at(api))
    assert TOKEN not in str(caught.value)
    assert api.paths() == [ROUND_PATH, ROUND_PATH]  # the standings wait for the round


async def test_a_refusal_is_final(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(403, {"title": "Forbidden"}))
    with pytest.raises(CallRejected, match="403"):
        await caller_fire(TOKEN, api.origin, **FAST)(aimed_at(api))
    assert api.paths() == [ROUND_PATH]


async def test_a_schedule_aimed_elsewhere_is_refused_without_a_request(
    api: ScriptedAPI, elsewhere: ScriptedAPI
) -> None:
    # Which targets are refused is tests/unit/routes' table; here: the worker sends nothing.
    schedule = aimed_at(api, round_url=elsewhere.url(ROUND_PATH))
    with pytest.raises(RefusedTarget):
        await caller_fire(TOKEN, api.origin, **FAST)(schedule)
    assert api.seen == []
    assert elsewhere.seen == []
