"""Error reporting to Sentry, with every credential scrubbed before an event leaves.

Three layers, because one missed header is one leaked token: `send_default_pii=False` (the SDK
drops cookies and its own list of sensitive headers), an `EventScrubber` whose denylist also
names our header, and a `before_send` that removes credential headers and cookies by name and
replaces any configured secret value wherever it appears in the event (a token pasted into an
exception message, a local variable, a breadcrumb).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.starlette import StarletteIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from entrypoints.settings import Settings

FILTERED = "[Filtered]"
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-internal-token", "cookie", "set-cookie"}
)
_DENYLIST = [*DEFAULT_DENYLIST, "x-internal-token", "x_internal_token", "jwt", "dsn"]


def _scrub_values(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, FILTERED)
        return value
    if isinstance(value, Mapping):
        return {key: _scrub_values(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_values(item, secrets) for item in value]
    return value


def _scrub_request(request: dict[str, Any]) -> None:
    headers = request.get("headers")
    if isinstance(headers, Mapping):
        request["headers"] = {
            name: FILTERED if str(name).lower() in CREDENTIAL_HEADERS else value
            for name, value in headers.items()
        }
    if "cookies" in request:
        request["cookies"] = FILTERED


def make_before_send(secrets: Iterable[str]) -> Any:
    ordered = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        request = event.get("request")
        if isinstance(request, dict):
            _scrub_request(request)
        scrubbed: dict[str, Any] = _scrub_values(event, ordered) if ordered else event
        return scrubbed

    return before_send


def init_sentry(settings: Settings) -> bool:
    """Start the SDK when `SENTRY_DSN` is set; say whether it started."""
    if settings.sentry_dsn is None or not settings.sentry_dsn.get_secret_value():
        return False
    secrets = settings.secret_values()
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.node_env.value,
        send_default_pii=False,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        integrations=[StarletteIntegration()],
        event_scrubber=EventScrubber(denylist=_DENYLIST, recursive=True),
        before_send=make_before_send(secrets),
        before_send_transaction=make_before_send(secrets),
    )
    return True
