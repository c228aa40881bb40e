"""Error reporting to Sentry, with every credential scrubbed before an event leaves.

Three layers, because one missed header is one leaked token:
- what the SDK collects: no PII (`data_collection`, which supersedes `send_default_pii=False` in
  this SDK and says the same more precisely), no cookies, no request bodies, no query values of
  sensitive names, and no stack-frame local variables (a local `token` or `header` in the auth
  code would otherwise travel with every error);
- a `before_send` (`entrypoints.scrubbing`, shared with the Lambda) that blanks, anywhere in the
  event, every value whose key names a credential (`authorization`, `x-internal-token`,
  `cookie`, `token`, `secret`, `password` ...), and replaces every configured secret value
  wherever it appears (a token pasted into an exception message, a breadcrumb, a log line).
  (The SDK refuses an `EventScrubber` next to `data_collection`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.starlette import StarletteIntegration

from entrypoints.scrubbing import ordered_secrets, scrub
from entrypoints.settings import Settings

# Added to the SDK's own sensitive terms (auth, token, secret, key, cookie names ...).
_HEADER_DENYLIST = ["cookie", "internal", "forwarded", "-ip", "remote-", "via", "-user"]


def make_before_send(secrets: Iterable[str]) -> Any:
    """A `before_send` hook that scrubs credentials by key and configured secrets by value."""
    ordered = ordered_secrets(secrets, min_length=1)

    def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        scrubbed: dict[str, Any] = scrub(event, ordered)
        return scrubbed

    return before_send


def init_sentry(settings: Settings) -> bool:
    """Start the SDK when `SENTRY_DSN` is set; say whether it started."""
    dsn = settings.observability.sentry_dsn
    if dsn is None or not dsn.get_secret_value():
        return False
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
