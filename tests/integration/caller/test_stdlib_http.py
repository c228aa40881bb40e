"""The Lambda's standard-library HTTP client against real servers on loopback: answers as they
come, a total deadline, a cap on the body, TLS verified, connections kept and renewed."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from adapters.stdlib_http import AnswerTooLarge, HttpFailed, StdlibClient
from tests.integration.caller.scripted_api import ROUND_PATH, Answer, ScriptedAPI

pytestmark = pytest.mark.integration


@pytest.fixture
def client() -> Iterator[StdlibClient]:
    with StdlibClient() as made:
        yield made


@pytest.mark.parametrize("status", [200, 204, 307, 404, 409, 503])
def test_each_answer_comes_back_as_it_is(
    api: ScriptedAPI, client: StdlibClient, status: int
) -> None:
    headers = {"Retry-After": "7", "Location": "http://elsewhere.invalid/"}
    api.then(ROUND_PATH, Answer(status, {"status": status}, headers=headers))

    reply = client.request("PATCH", api.url(ROUND_PATH), headers={"X-Test": "1"}, timeout=5)

    assert reply.status == status
    assert reply.header("retry-after") == reply.header("Retry-After") == "7"
    if status != 204:  # a 204 has no body, whatever the server wrote
        assert reply.content == b'{"status": %d}' % status
    assert [(seen.method, seen.path) for seen in api.seen] == [("PATCH", ROUND_PATH)]  # no redirect
    assert api.seen[0].headers["X-Test"] == "1"
    assert api.seen[0].headers["Content-Length"] == "0"


def test_the_connection_is_kept_and_a_closed_one_is_replaced(
    api: ScriptedAPI, client: StdlibClient
) -> None:
    url = api.url(ROUND_PATH)
    client.request("GET", url, timeout=5)
    client.request("GET", url, timeout=5)
    assert api.connections == 1

    api.drop_connections()  # the server closes idle connections (a frozen Lambda, a restart)
    assert client.request("GET", url, timeout=5).status == 200
    assert api.connections == 2


def test_a_body_over_the_cap_is_refused(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(200, "x" * 5000), Answer(200, "x" * 100))
    with StdlibClient(max_bytes=1000) as capped:
        with pytest.raises(AnswerTooLarge, match="1000") as caught:
            capped.request("GET", api.url(ROUND_PATH), timeout=5)
        assert caught.value.status == 200
        assert capped.request("GET", api.url(ROUND_PATH), timeout=5).content == b"x" * 100


class _Drip(BaseHTTPRequestHandler):
    """Answers a byte at a time, forever: each read is quick, the whole answer never ends."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def drip() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_that_never_ends_stops_at_the_deadline(drip: str, client: StdlibClient) -> None:
    with pytest.raises(HttpFailed, match="before the deadline"):
        client.request("GET", drip, timeout=0.5)


def test_an_answer_slower_than_the_read_timeout_fails(
    api: ScriptedAPI, client: StdlibClient
) -> None:
    api.then(ROUND_PATH, Answer(200, {"late": True}, delay=1.0))
    with pytest.raises(HttpFailed, match="before the deadline"):
        client.request("GET", api.url(ROUND_PATH), timeout=30, read_timeout=0.2)


def test_nobody_listening_fails_naming_the_origin(client: StdlibClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(HttpFailed, match=rf"http://127.0.0.1:{port}: ConnectionRefused"):
        client.request("GET", f"http://127.0.0.1:{port}/", timeout=5)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/", "http:///no-host", "http://user:secret@127.0.0.1/"]
)
def test_only_plain_http_urls_are_taken(client: StdlibClient, url: str) -> None:
    with pytest.raises(ValueError, match="URL") as caught:
        client.request("GET", url, timeout=1)
    assert "secret" not in str(caught.value)


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https(authority: trustme.CA) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified_against_the_trusted_authorities(https: str, authority: trustme.CA) -> None:
    # The system's trust store does not know the throwaway authority: refused.
    with StdlibClient() as default, pytest.raises(HttpFailed, match="CERTIFICATE_VERIFY_FAILED"):
        default.request("GET", https, timeout=5)

    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    with StdlibClient(context=trusting) as client:
        assert client.request("GET", https, timeout=5).content == b"hello"
        # The name checked is the URL's: a certificate for 127.0.0.1 is not one for localhost.
        with pytest.raises(HttpFailed, match=r"CERTIFICATE_VERIFY_FAILED|match"):
            client.request("GET", https.replace("127.0.0.1", "localhost"), timeout=5)
