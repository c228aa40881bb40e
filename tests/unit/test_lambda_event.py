"""The Lambda's event checks and the Sentry scrubber it shares with the service, as properties."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bestshot_domain.errors import BestshotError
from entrypoints.lambda_handler import HandlerMisconfigured, parse_event
from entrypoints.observability import make_before_send
from entrypoints.scrubbing import scrub as scrub_event

HOST = "api.example.com"
ENV = {"API_DOMAIN": HOST, "INTERNAL_SERVICE_TOKEN": "t" * 40}
ROUND = "/api/v2/data-provider/tournaments/premier-league/matches/matchday-14"
STANDINGS = "https://api.example.com/api/v2/data-provider/tournaments/premier-league/standings"

# Pieces an attacker would combine in the authority of a URL.
pieces = st.sampled_from(
    [
        "api.example.com",
        "evil.com",
        "@",
        ":",
        "443",
        "8443",
        ".",
        "\\",
        "%40",
        "[",
        "]",
        "::1",
        "user",
        "pw",
        "API.EXAMPLE.COM",
        "/",
        "#",
        "?",
        "%2F",
        "127.0.0.1",
    ]
)
authorities = st.lists(pieces, min_size=1, max_size=6).map("".join)


@settings(max_examples=300)
@example(scheme="https", authority="api.example.com")  # accepted: the assertions run
@example(scheme="HTTPS", authority="API.EXAMPLE.COM:443")
@example(scheme="https", authority="api.example.com@evil.com")
@given(scheme=st.sampled_from(["https", "http", "HTTPS", "ftp"]), authority=authorities)
def test_an_accepted_url_goes_to_the_configured_host_however_httpx_reads_it(
    scheme: str, authority: str
) -> None:
    url = f"{scheme}://{authority}{ROUND}"
    event = {"roundUrl": url, "standingsUrl": STANDINGS, "targetEnv": "production"}
    try:
        target = parse_event(event, ENV)
    except BestshotError:
        return
    # What was accepted, read by the library that will send the request, is our host...
    original = httpx.URL(url)
    assert original.host == HOST
    assert original.port in {None, 443}
    assert original.userinfo == b""
    # ...and what will be sent is rebuilt from the configured origin anyway.
    assert target.round_url == f"https://{HOST}{ROUND}"


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
