"""The Lambda's tokens per environment.

The check of the event's URLs is `bestshot_routes.check_target`'s, and the redaction of its
Sentry events `bestshot_routes.redaction`'s (tests/unit/routes)."""

from __future__ import annotations

import pytest

from entrypoints.lambda_handler import HandlerMisconfigured, parse_event

HOST = "api.example.com"
ROUND = "/api/v2/data-provider/tournaments/premier-league/matches/matchday-14"


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
