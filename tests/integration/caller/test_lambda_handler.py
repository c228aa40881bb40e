"""The Lambda handler against a real HTTP server on loopback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.caller import CallRejected, CallUnavailable
from bestshot_domain.errors import InvalidInput
from entrypoints import lambda_handler
from entrypoints.lambda_handler import HandlerMisconfigured, InvalidEvent, RefusedTarget, handler
from tests.integration.caller.scripted_api import (
    ROUND_PATH,
    STANDINGS_PATH,
    TOKEN,
    Answer,
    ScriptedAPI,
)

pytestmark = pytest.mark.integration

CONTEXT = SimpleNamespace(aws_request_id="req-7f3a")
PRODUCTION_TOKEN = f"prod-{TOKEN}"


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, api: ScriptedAPI) -> Iterator[ScriptedAPI]:
    for name in ("API_DOMAIN", "SENTRY_DSN", "CALLER_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("API_DOMAIN_DEMO", api.origin)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", PRODUCTION_TOKEN)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN_DEMO", TOKEN)
    # The handler keeps one client per container; each test is a container of its own.
    monkeypatch.setattr(lambda_handler, "_shared_client", None)
    # It also redacts every log record of its process: this one's, for this test only.
    record_factory = logging.getLogRecordFactory()
    yield api
    logging.setLogRecordFactory(record_factory)
    if lambda_handler._shared_client is not None:
        lambda_handler._shared_client.close()


def event_for(origin: str, env: str = "demo", **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "roundUrl": f"{origin}{ROUND_PATH}",
        "standingsUrl": f"{origin}{STANDINGS_PATH}",
        "targetEnv": env,
    }
    event.update(overrides)
    return event


def log_lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_a_schedule_firing_updates_the_round_then_the_standings(
    demo_env: ScriptedAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    api = demo_env
    api.then(ROUND_PATH, Answer(200, {"updated": 2, "unchanged": 8}))

    result = handler(event_for(api.origin), CONTEXT)

    assert api.paths() == [ROUND_PATH, STANDINGS_PATH]
    assert all(seen.headers["X-Internal-Token"] == TOKEN for seen in api.seen)
    assert result["round"]["body"] == {"updated": 2, "unchanged": 8}
    assert result["standings"]["status"] == 200
    out = capsys.readouterr().out
    [line] = log_lines(out)
    assert line["level"] == "info"
    assert line["outcome"] == "done"
    assert line["requestId"] == "req-7f3a"
    assert line["targetEnv"] == "demo"
    assert line["round"]["status"] == 200
    assert line["round"]["body"] == {"updated": 2, "unchanged": 8}
    assert line["standings"]["status"] == 200
    assert TOKEN not in out


def test_a_refusal_raises_and_logs_one_line_without_the_token(
    demo_env: ScriptedAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    api = demo_env
    api.then(ROUND_PATH, Answer(403, {"title": "Forbidden", "detail": f"token {TOKEN} unknown"}))

    with pytest.raises(CallRejected) as caught:
        handler(event_for(api.origin), CONTEXT)

    assert TOKEN not in str(caught.value)
    out = capsys.readouterr().out
    [line] = log_lines(out)
    assert line["level"] == "error"
    assert line["outcome"] == "failed"
    assert line["error"] == "CallRejected"
    assert line["status"] == 403
    assert TOKEN not in out


def test_credentials_in_an_event_url_stay_out_of_the_log_line(
    demo_env: ScriptedAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    host = demo_env.origin.removeprefix("http://")
    url = f"http://someone:pw-0a1b2c3d@{host}{ROUND_PATH}?access_token=SECRET123-9f8e#f"

    with pytest.raises(RefusedTarget) as caught:
        handler(event_for(demo_env.origin, roundUrl=url), CONTEXT)

    out = capsys.readouterr().out
    [line] = log_lines(out)
    redacted = f"http://[redacted]@{host}{ROUND_PATH}?access_token=[redacted]"
    assert redacted in line["detail"] == str(caught.value)
    for secret in ("someone", "pw-0a1b2c3d", "SECRET123-9f8e"):
        assert secret not in out
    assert demo_env.paths() == []


def test_a_server_that_stays_down_makes_the_invocation_fail(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The original reported success whatever happened; Lambda's retries and DLQ need a raise.
    monkeypatch.setenv("CALLER_ATTEMPTS", "1")
    demo_env.then(ROUND_PATH, Answer(503, {"title": "down"}))

    with pytest.raises(CallUnavailable, match="503"):
        handler(event_for(demo_env.origin), CONTEXT)


def test_an_api_mounted_under_a_prefix(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = demo_env
    monkeypatch.setenv("API_DOMAIN_DEMO", f"{api.origin}/bestshot/")

    handler(event_for(f"{api.origin}/bestshot"), CONTEXT)

    assert api.paths() == [f"/bestshot{ROUND_PATH}", f"/bestshot{STANDINGS_PATH}"]


def test_the_demo_token_is_used_for_demo_events(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN_DEMO", f"{TOKEN}-demo")

    handler(event_for(demo_env.origin), CONTEXT)

    assert {seen.headers["X-Internal-Token"] for seen in demo_env.seen} == {f"{TOKEN}-demo"}


def test_a_demo_event_never_gets_the_production_token(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The demo API may be plain http on someone's laptop: without a demo token of its own,
    # the event is refused rather than sent the production one.
    monkeypatch.delenv("INTERNAL_SERVICE_TOKEN_DEMO")

    with pytest.raises(HandlerMisconfigured, match="INTERNAL_SERVICE_TOKEN_DEMO is not set"):
        handler(event_for(demo_env.origin), CONTEXT)

    assert demo_env.seen == []
    assert PRODUCTION_TOKEN not in capsys.readouterr().out


def test_a_demo_token_that_is_also_a_production_token_is_refused(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", f"{TOKEN}-new,{TOKEN}")

    with pytest.raises(HandlerMisconfigured, match="token of its own"):
        handler(event_for(demo_env.origin), CONTEXT)
    assert demo_env.seen == []


def test_a_rotation_list_sends_its_first_token_only(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The API accepts each token of its own list, never "tokA,tokB" whole.
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN_DEMO", f" {TOKEN}-new , {TOKEN}-old,")

    handler(event_for(demo_env.origin), CONTEXT)

    assert {seen.headers["X-Internal-Token"] for seen in demo_env.seen} == {f"{TOKEN}-new"}


# Every URL shape refused is in tests/unit/routes; here: that the handler logs the refusal
# (without user-info) and sends nothing.
@pytest.mark.parametrize(
    "make_url",
    [
        pytest.param(lambda api, other: f"{other}{ROUND_PATH}", id="another-server"),
        pytest.param(lambda api, other: f"http://user:pw@{api[7:]}{ROUND_PATH}", id="user-info"),
    ],
)
def test_a_url_off_the_configured_api_is_refused_before_any_request(
    demo_env: ScriptedAPI,
    elsewhere: ScriptedAPI,
    make_url: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    round_url = make_url(demo_env.origin, elsewhere.origin)

    with pytest.raises(RefusedTarget, match="roundUrl"):
        handler(event_for(demo_env.origin, roundUrl=round_url), CONTEXT)

    assert demo_env.seen == []
    assert elsewhere.seen == []
    out = capsys.readouterr().out
    assert log_lines(out)[0]["error"] == "RefusedTarget"
    assert "pw@" not in out


def test_production_refuses_plain_http(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_DOMAIN", "api.example.com")

    with pytest.raises(RefusedTarget, match=r"https://api\.example\.com"):
        handler(event_for("http://api.example.com", env="production"), CONTEXT)

    monkeypatch.setenv("API_DOMAIN", demo_env.origin)  # an http origin for production
    with pytest.raises(HandlerMisconfigured, match="API_DOMAIN must be"):
        handler(event_for(demo_env.origin, env="production"), CONTEXT)
    assert demo_env.seen == []


def test_production_events_are_refused_when_no_production_api_is_configured(
    demo_env: ScriptedAPI,
) -> None:
    with pytest.raises(RefusedTarget, match="API_DOMAIN"):
        handler(event_for(demo_env.origin, env="production"), CONTEXT)
    assert demo_env.seen == []


def test_no_token_configured_is_a_misconfiguration(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERNAL_SERVICE_TOKEN")
    monkeypatch.setenv("API_DOMAIN", "api.example.com")

    with pytest.raises(HandlerMisconfigured, match="INTERNAL_SERVICE_TOKEN is not set"):
        handler(event_for("https://api.example.com", env="production"), CONTEXT)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", " , ")
    with pytest.raises(HandlerMisconfigured, match="INTERNAL_SERVICE_TOKEN is not set"):
        handler(event_for("https://api.example.com", env="production"), CONTEXT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roundUrl": None}, "roundUrl is missing"),
        ({"standingsUrl": None}, "standingsUrl is missing"),
        ({"targetEnv": None}, "targetEnv is missing"),
        ({"targetEnv": "staging"}, "targetEnv must be one of demo, production"),
        ({"targetEnv": 1}, "targetEnv must be a non-empty string"),
        ({"roundUrl": ""}, "roundUrl must be a non-empty string"),
        ({"roundUrl": ["http://x"]}, "roundUrl must be a non-empty string"),
        ({"standingsUrl": "{api}/api/v2/data-provider/tournaments/x/standings"}, "different"),
    ],
)
def test_a_malformed_event_is_refused_naming_what_is_wrong(
    demo_env: ScriptedAPI, change: dict[str, Any], message: str
) -> None:
    event = event_for(demo_env.origin)
    for key, value in change.items():
        if value is None:
            del event[key]
        else:
            event[key] = value.format(api=demo_env.origin) if isinstance(value, str) else value

    with pytest.raises((InvalidInput, RefusedTarget), match=message):
        handler(event, CONTEXT)
    assert demo_env.seen == []


@pytest.mark.parametrize("event", [None, "roundUrl", ["roundUrl"], 42])
def test_an_event_that_is_not_an_object_is_refused(demo_env: ScriptedAPI, event: Any) -> None:
    with pytest.raises(InvalidEvent, match="must be a JSON object"):
        handler(event, CONTEXT)


def test_a_malformed_sentry_dsn_does_not_stop_the_update(
    demo_env: ScriptedAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SENTRY_DSN", "not a dsn")

    handler(event_for(demo_env.origin), CONTEXT)

    assert demo_env.paths() == [ROUND_PATH, STANDINGS_PATH]
    [line] = log_lines(capsys.readouterr().out)
    assert line["outcome"] == "done"
    assert line["sentry"] == "SENTRY_DSN unusable: BadDsn"
