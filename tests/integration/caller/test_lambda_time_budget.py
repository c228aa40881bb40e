"""The Lambda refuses a CALLER_READ_TIMEOUT that its own timeout cannot hold (issue 13, point 7):
a PATCH that may outlast the function would end as a timeout instead of the API's answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from adapters.caller import CallUnavailable
from entrypoints.lambda_handler import HandlerMisconfigured, handler
from tests.integration.caller.scripted_api import ROUND_PATH, STANDINGS_PATH, Answer, ScriptedAPI
from tests.integration.caller.test_lambda_handler import (  # noqa: F401 - demo_env is a fixture
    demo_env,
    event_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def lambda_api(request: pytest.FixtureRequest) -> ScriptedAPI:
    """The handler's environment aimed at a scripted API (the handler tests' `demo_env`)."""
    api: ScriptedAPI = request.getfixturevalue("demo_env")
    return api


def context(seconds_left: float) -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id="req-budget", get_remaining_time_in_millis=lambda: int(seconds_left * 1000)
    )


@pytest.mark.parametrize(("read_timeout", "seconds_left"), [("30", 29.9), ("60", 30), ("30", 30)])
def test_a_read_timeout_the_function_cannot_wait_for_is_refused_before_any_call(
    lambda_api: ScriptedAPI, monkeypatch: pytest.MonkeyPatch, read_timeout: str, seconds_left: float
) -> None:
    monkeypatch.setenv("CALLER_READ_TIMEOUT", read_timeout)
    with pytest.raises(HandlerMisconfigured, match=r"CALLER_READ_TIMEOUT \(\d+ s\) must be below"):
        handler(event_for(lambda_api.origin), context(seconds_left))
    assert lambda_api.paths() == []


def test_a_read_timeout_within_the_functions_time_calls_the_api(
    lambda_api: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLER_READ_TIMEOUT", "30")
    lambda_api.then(ROUND_PATH, Answer(200, {"updated": 1}))
    result = handler(event_for(lambda_api.origin), context(120))
    assert result["standings"]["status"] == 200
    assert lambda_api.paths() == [ROUND_PATH, STANDINGS_PATH]


def test_a_busy_api_is_waited_for_only_while_the_function_has_time(
    lambda_api: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retry-After is honoured (with no attempt used up) up to a few seconds before the
    function's own timeout, never past it."""
    asked: list[float] = []
    monkeypatch.setattr("adapters.caller._sleep", asked.append)  # no real wait
    monkeypatch.setenv("CALLER_READ_TIMEOUT", "10")
    busy = Answer(503, {"title": "Busy"}, headers={"Retry-After": "30"})
    lambda_api.then(ROUND_PATH, busy, busy, busy)

    # 30 s left: the calls' deadline is 26 s away (4 s kept to finish), and a wait of 30 s
    # would end past it.
    with pytest.raises(CallUnavailable, match="Retry-After asked 30 s, past the call's deadline"):
        handler(event_for(lambda_api.origin), context(30))
    assert lambda_api.paths() == [ROUND_PATH]
    assert asked == []

    result = handler(event_for(lambda_api.origin), context(120))
    assert result["round"]["attempts"] == 3  # two busy answers, then done: none used up
    assert len(asked) == 2
    assert all(wait >= 30 for wait in asked)
