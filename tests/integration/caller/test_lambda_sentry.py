"""With SENTRY_DSN, a failure reaches Sentry, and the token does not.

The handler runs in a fresh interpreter, as in Lambda: the Sentry SDK patches process-wide
things (logging, threading, http.client) that must not leak into the rest of the test run.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.integration.caller.scripted_api import (
    ROUND_PATH,
    STANDINGS_PATH,
    TOKEN,
    Answer,
    ScriptedAPI,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class SentryRelay:
    """Accepts Sentry envelopes on loopback and keeps them, decompressed."""

    def __init__(self) -> None:
        self.envelopes: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli  # type: ignore[import-not-found]  # noqa: PLC0415

                    body = brotli.decompress(body)
                relay.envelopes.append(body.decode("utf-8", "replace"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://public@127.0.0.1:{self.server.server_address[1]}/42"


@pytest.fixture
def relay() -> Iterator[SentryRelay]:
    relay = SentryRelay()
    thread = threading.Thread(target=relay.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield relay
    relay.server.shutdown()
    relay.server.server_close()
    thread.join()


SCRIPT = """
import json, sys
from entrypoints.lambda_handler import handler
try:
    handler(json.loads(sys.argv[1]), None)
except Exception as error:
    print("raised", type(error).__name__)
else:
    print("returned")
"""


def test_a_failure_is_reported_with_every_secret_scrubbed(
    api: ScriptedAPI, relay: SentryRelay
) -> None:
    # The API answers 403 and carelessly echoes the token, so the token is everywhere a
    # careless report could pick it up: the response, the frames' local variables, the env.
    api.then(ROUND_PATH, Answer(403, {"title": "Forbidden", "detail": f"bad token {TOKEN}"}))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "SENTRY_", "API_DOMAIN", "INTERNAL_SERVICE_TOKEN"))
    }
    env.update(
        SENTRY_DSN=relay.dsn,
        API_DOMAIN_DEMO=api.origin,
        INTERNAL_SERVICE_TOKEN_DEMO=TOKEN,
    )
    event = {
        "roundUrl": api.url(ROUND_PATH),
        "standingsUrl": api.url(STANDINGS_PATH),
        "targetEnv": "demo",
    }

    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-W", "error::DeprecationWarning", "-c", SCRIPT, json.dumps(event)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "raised CallRejected" in done.stdout
    assert api.paths() == [ROUND_PATH]
    events = [envelope for envelope in relay.envelopes if '"type":"event"' in envelope]
    assert events, f"no event reached the relay: {relay.envelopes!r}"
    report = "\n".join(events)
    assert "CallRejected" in report
    assert "[redacted]" in report  # the token's local variables were there, and blanked
    assert TOKEN not in report
    assert TOKEN not in "\n".join(relay.envelopes)
    assert TOKEN not in done.stdout + done.stderr
