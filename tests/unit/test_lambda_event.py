"""The Lambda's tokens per environment, and the Sentry scrubber it shares with the service.

The check of the event's URLs is `bestshot_routes.check_target`'s (tests/unit/routes)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entrypoints.lambda_handler import HandlerMisconfigured, parse_event
from entrypoints.observability import make_before_send
from entrypoints.scrubbing import scrub as scrub_event

HOST = "api.example.com"
ROUND = "/api/v2/data-provider/tournaments/premier-league/matches/matchday-14"

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

SECRET = f"tok-{secrets.token_hex(10)}"


def _plant(value: Any, where: int) -> Any:
    """The value with the secret planted in its strings and under a header name."""
    if isinstance(value, dict):
        planted = {key: _plant(item, where) for key, item in value.items()}
        planted["X-Internal-Token"] = SECRET
        return planted
    if isinstance(value, list):
        return [_plant(item, where) for item in value] + [f"Bearer {SECRET}"]
    if isinstance(value, str):
        return value[:where] + SECRET + value[where:]
    return value


@given(json_values, st.integers(min_value=0, max_value=20))
def test_the_scrubber_leaves_no_token_anywhere(event: Any, where: int) -> None:
    scrubbed = scrub_event({"request": _plant(event, where)}, (SECRET,))

    assert SECRET not in json.dumps(scrubbed)


@settings(max_examples=50)
@given(json_values, st.integers(min_value=0, max_value=20))
def test_the_service_and_the_lambda_scrub_alike(event: Any, where: int) -> None:
    planted = {"request": _plant(event, where), "headers": [["X-Internal-Token", SECRET]]}

    assert make_before_send([SECRET])(planted, {}) == scrub_event(planted, (SECRET,))


def test_the_scrubber_keeps_what_is_not_secret() -> None:
    event = {
        "request": {"headers": {"X-Internal-Token": SECRET, "Accept": "application/json"}},
        "extra": {"note": f"called with {SECRET}", "count": 3},
        "headers": [["Authorization", "Bearer x"], ["Accept", "*/*"]],
    }

    assert scrub_event(event, (SECRET,)) == {
        "request": {"headers": {"X-Internal-Token": "[Filtered]", "Accept": "application/json"}},
        "extra": {"note": "called with [Filtered]", "count": 3},
        "headers": [["Authorization", "[Filtered]"], ["Accept", "*/*"]],
    }


def _event(env: str) -> dict[str, str]:
    origin = "https://api.example.com" if env == "production" else "http://127.0.0.1:8000"
    return {
        "roundUrl": f"{origin}{ROUND}",
        "standingsUrl": f"{origin}{ROUND.rsplit('/matches/', 1)[0]}/standings",
        "targetEnv": env,
    }


def test_a_rotation_list_gives_its_first_token_in_each_environment() -> None:
    environ = {
        "API_DOMAIN": HOST,
        "API_DOMAIN_DEMO": "http://127.0.0.1:8000",
        "INTERNAL_SERVICE_TOKEN": "prod-new-" + "p" * 32 + ", prod-old-" + "q" * 32,
        "INTERNAL_SERVICE_TOKEN_DEMO": "demo-new,demo-old",
    }

    assert parse_event(_event("production"), environ).token == "prod-new-" + "p" * 32
    assert parse_event(_event("demo"), environ).token == "demo-new"


def test_a_demo_event_is_refused_rather_than_given_the_production_token() -> None:
    environ = {"API_DOMAIN_DEMO": "http://127.0.0.1:8000", "INTERNAL_SERVICE_TOKEN": "t" * 40}

    with pytest.raises(HandlerMisconfigured, match="INTERNAL_SERVICE_TOKEN_DEMO is not set"):
        parse_event(_event("demo"), environ)
