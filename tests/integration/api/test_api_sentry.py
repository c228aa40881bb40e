"""A real Sentry event, sent by the SDK to a loopback endpoint as its DSN, holds no secret."""

from __future__ import annotations

import pytest
import sentry_sdk

from entrypoints.observability import init_sentry
from entrypoints.settings import load_settings
from tests.integration.api.conftest import LoopbackServer, sentry_events
from tests.unit.api.conftest import client_of

pytestmark = pytest.mark.integration

INTERNAL_TOKEN = "internal-token-for-sentry-test-0123456789"
JWT_SECRET = "jwt-secret-for-sentry-test-0123456789abcdef"
PROVIDER_TOKEN = "football-data-token-5e6f7a8b9c"
COOKIE_VALUE = "session-cookie-value-77aa88bb"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"


async def test_an_error_reaches_sentry_with_every_secret_scrubbed(
    loopback: LoopbackServer, sentry_dsn: str
) -> None:
    settings = load_settings(
        {
            "SENTRY_DSN": sentry_dsn,
            "INTERNAL_SERVICE_TOKEN": INTERNAL_TOKEN,
            "JWT_SECRET": JWT_SECRET,
            "FOOTBALL_DATA_TOKEN": PROVIDER_TOKEN,
        }
    )
    assert init_sentry(settings)

    async def ready_check() -> None:
        # A library pasting credentials into its message: the value scrubber must catch it.
        raise RuntimeError(f"the check failed while holding {PROVIDER_TOKEN} and {INTERNAL_TOKEN}")

    async with client_of(settings, ready_check=ready_check) as client:
        response = await client.get(
            "/ready",
            headers={
                "Authorization": f"Bearer {BEARER}",
                "X-Internal-Token": INTERNAL_TOKEN,
                "Cookie": f"session={COOKIE_VALUE}",
            },
        )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    assert loopback.arrived.wait(timeout=5), "no event reached the loopback DSN"

    events = sentry_events(loopback)
    assert len(events) == 1
    event = events[0]
    # It is the real error, with the request it came from...
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["url"].endswith("/ready")
    headers = {name.lower(): value for name, value in event["request"]["headers"].items()}
    assert headers["authorization"] == "[redacted]"
    assert headers["x-internal-token"] == "[redacted]"
    assert event["environment"] == "demo"
    assert all(
        "vars" not in frame for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]
    )
    # ...and no secret anywhere in what was sent.
    raw = b"".join(request.body for request in loopback.received).decode()
    for secret in (INTERNAL_TOKEN, JWT_SECRET, PROVIDER_TOKEN, COOKIE_VALUE, BEARER):
        assert secret not in raw
    assert "[redacted]" in event["exception"]["values"][-1]["value"]


def test_without_a_dsn_sentry_stays_off() -> None:
    assert not init_sentry(load_settings({}))
    assert not sentry_sdk.get_client().is_active()
