"""Credentials in a reference URL (user-info, `?access_token=`) reach no log and no Sentry event.

The fetches go through the real provider client to a loopback provider; the logs are set up as
`bestshot serve` sets them up (JSON lines on stderr), at DEBUG for every logger, with pytest's
capture kept alongside; Sentry sends to a loopback DSN.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator

import pytest
import sentry_sdk

from adapters.sources.http import ProviderClient
from adapters.sources.openfootball import OpenfootballAccess, OpenfootballSource
from adapters.sources.origin import parse_origin
from adapters.sources.policy import HttpPolicy
from bestshot_domain.errors import SourceFormatError, SourceUnavailable
from bestshot_routes.redaction import PLACEHOLDER
from entrypoints.logs import configure_logging
from entrypoints.observability import init_sentry
from entrypoints.settings import load_settings
from tests.integration.api.conftest import LoopbackServer, sentry_events
from tests.integration.sources.sources_loopback import Reply, serving

pytestmark = pytest.mark.integration

USER = "reader-4c7d1e"
PASSWORD = "pw-5e6f7a8b9c0d"
TOKEN = "SECRET123-e4f5a6b7"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
SECRETS = (USER, PASSWORD, TOKEN, BASIC)


@pytest.fixture
def served_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Logging as `bestshot serve` configures it, at DEBUG, its JSON lines written to the buffer
    yielded; pytest's capture (`caplog`) besides."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogRecordFactory())
    configure_logging("DEBUG")
    lines = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(lines)
    root.addHandler(caplog.handler)  # configure_logging replaced the root's handlers
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.setLogRecordFactory(saved[2])


async def _no_wait(seconds: float) -> None:
    return None


async def test_a_fetch_with_credentials_in_its_url_leaves_no_trace(
    loopback: LoopbackServer,
    sentry_dsn: str,
    served_logs: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert init_sentry(load_settings({"SENTRY_DSN": sentry_dsn}))
    policy = HttpPolicy(attempts=2, backoff_initial=0, backoff_jitter=0)
    with serving() as provider:
        provider.script("/x.json", Reply.json('{"matches": []}'))
        provider.script("/down.json", Reply(503))
        provider.script("/bad.json", Reply.json('{"matches": 3}'))
        with_user = provider.url.replace("http://", f"http://{USER}:{PASSWORD}@")
        fetched = f"{with_user}/x.json?access_token={TOKEN}"

        async with ProviderClient("openfootball", with_user, policy, sleep=_no_wait) as client:
            assert await client.get_bytes(fetched) == b'{"matches": []}'
            with pytest.raises(SourceUnavailable) as down:
                await client.get_bytes(f"{with_user}/down.json?access_token={TOKEN}")
        source = OpenfootballSource(
            ProviderClient("openfootball", provider.url, policy, sleep=_no_wait),
            OpenfootballAccess(hosts=(parse_origin(provider.url),)),
        )
        try:
            with pytest.raises(SourceFormatError) as bad:
                await source.fixtures(f"{provider.url}/bad.json?access_token={TOKEN}")
        finally:
            await source.aclose()
        # The credentials did travel, where they belong: to the provider.
        seen = [request for request in provider.requests if request.path == "/x.json"]
        assert seen[0].query == {"access_token": [TOKEN]}
        assert seen[0].headers["Authorization"] == f"Basic {BASIC}"

    # The error carries the URL, without its query values.
    redacted_bad = f"{provider.url}/bad.json?access_token={PLACEHOLDER}"
    assert redacted_bad in str(bad.value)
    for error in (down.value, bad.value):
        logging.getLogger("bestshot.api").error("import failed", exc_info=error)
        sentry_sdk.capture_exception(error)
    sentry_sdk.flush(timeout=5)

    # httpx's own request line is there, redacted, in pytest's capture and in the JSON lines.
    port = provider.url.rsplit(":", 1)[1]
    line = f"GET http://{PLACEHOLDER}@127.0.0.1:{port}/x.json?access_token={PLACEHOLDER}"
    assert any(line in message for message in caplog.messages)
    entries = [json.loads(entry) for entry in served_logs.getvalue().splitlines()]
    assert any(e["logger"] == "httpx" and line in e["message"] for e in entries)
    assert any(redacted_bad in e.get("exception", "") for e in entries)
    assert any(e["logger"] == "bestshot.sources" for e in entries)  # the retry's warning
    written = "\n".join([caplog.text, json.dumps(entries)])
    written += "".join(str(vars(record)) for record in caplog.records)
    for secret in SECRETS:
        assert secret not in written

    # Sentry: both errors, with the fetches as breadcrumbs, and no credential.
    events = sentry_events(loopback)
    assert {e["exception"]["values"][-1]["type"] for e in events} == {
        "SourceUnavailable",
        "SourceFormatError",
    }
    crumbs = [crumb for e in events for crumb in e.get("breadcrumbs", {}).get("values", [])]
    http = [crumb["data"] for crumb in crumbs if crumb.get("type") == "http"]
    assert any(data.get("http.query") == f"access_token={PLACEHOLDER}" for data in http)
    assert any(line in (crumb.get("message") or "") for crumb in crumbs)
    sent = b"".join(request.body for request in loopback.received).decode()
    for secret in SECRETS:
        assert secret not in sent
