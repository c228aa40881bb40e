"""Error reporting to Sentry, every credential removed before an event leaves.

Two layers, because one missed header is one leaked token: the SDK collects no PII, cookies,
request bodies or stack-frame locals (a local `token` in the auth code would travel with every
error), and `before_send` redacts the rest with `bestshot_routes.redaction`, the rule the logs
and the Lambda share. (The SDK refuses an `EventScrubber` next to `data_collection`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bestshot_routes.redaction import ordered_secrets, redact
from entrypoints.settings import Settings

# Added to the SDK's own sensitive terms (auth, token, secret, key, cookie names ...).
_HEADER_DENYLIST = ["cookie", "internal", "forwarded", "-ip", "remote-", "via", "-user"]


def make_before_send(secrets: Iterable[str]) -> Any:
    """A `before_send` hook that redacts credentials by key, secrets by value, and URLs."""
    ordered = ordered_secrets(secrets, min_length=1)

    def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        redacted: dict[str, Any] = redact(event, ordered)
        return redacted

    return before_send


def init_sentry(settings: Settings) -> bool:
    """Start the SDK when `SENTRY_DSN` is set; say whether it started."""
    dsn = settings.observability.sentry_dsn
    if dsn is None or not dsn.get_secret_value():
        return False
    # Imported only now: without SENTRY_DSN, a command loads neither the SDK nor, through its
    # integration, Starlette.
    import sentry_sdk  # noqa: PLC0415
    from sentry_sdk.integrations.starlette import StarletteIntegration  # noqa: PLC0415

    secrets = settings.secret_values()
    sentry_sdk.init(
        dsn=dsn.get_secret_value(),
        environment=settings.service.node_env.value,
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist", "terms": _HEADER_DENYLIST}},
            "http_bodies": [],
            "url_query_params": {"mode": "denylist", "terms": []},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=settings.observability.sentry_traces_sample_rate,
        integrations=[StarletteIntegration()],
        before_send=make_before_send(secrets),
        before_send_transaction=make_before_send(secrets),
    )
    return True
