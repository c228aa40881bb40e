"""Slow clients cannot hold connections (issue 11, point 9): the API served by a real uvicorn on
loopback, as `bestshot serve` serves it, spoken to over raw sockets.

Every wait is bounded by BOUND, far above the deadlines under test (1 or 2 s): a check is only
ever "closed before the bound", never a measured duration.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from adapters.postgres.admin import drop_database
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.api.live import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BOUND = 30.0
SECRET = "slow-clients-jwt-secret-0123456789abcdef0123"
IMPORT = "/api/v2/data-provider/tournaments"


@pytest.fixture(scope="module")
def database_url(postgres_server: PostgresServerForTests) -> Iterator[str]:
    name = asyncio.run(postgres_server.new_database())
    try:
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


@contextmanager
def served(database_url: str, **environ: str) -> Iterator[tuple[str, int]]:
    """The API on loopback with these settings; yields its address."""
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": database_url,
            "JWT_SECRET": SECRET,
            "BESTSHOT_DB_POOL_MAX": "2",
            **environ,
        }
    )
    with LiveApi(settings) as api:
        host, port = api.url.removeprefix("http://").split(":")
        yield host, int(port)


def _admin() -> bytes:
    token = mint_admin_token(load_settings({"JWT_SECRET": SECRET}))
    return f"Authorization: Bearer {token}\r\n".encode()


def _connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=BOUND)


def _until_closed(sock: socket.socket) -> bytes:
    """What the server sends until it closes the connection; fails if it is open at the bound."""
    received = b""
    deadline = time.monotonic() + BOUND
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the connection was still open after {BOUND} s")


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One complete answer (status, headers, body), read by its Content-Length."""
    received = b""
    deadline = time.monotonic() + BOUND
    while b"\r\n\r\n" not in received or len(received.partition(b"\r\n\r\n")[2]) < _length(
        received
    ):
        left = deadline - time.monotonic()
        assert left > 0, f"no complete answer within {BOUND} s"
        sock.settimeout(left)
        chunk = sock.recv(65536)
        assert chunk, f"closed before a complete answer: {received!r}"
        received += chunk
    return _parse(received)


def _length(received: bytes) -> int:
    return int(_parse(received)[1].get("content-length", "0"))


def _parse(received: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split(" ")[1]), headers, body


def _get_health(address: tuple[str, int]) -> int:
    return _health_answer(address)[0]


def _health_answer(address: tuple[str, int]) -> tuple[int, dict[str, str], bytes]:
    with _connect(address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n")
        return _parse(_until_closed(sock))


# The head of a request.


@pytest.mark.parametrize(
    "sent",
    [
        b"",
        b"GE",
        b"GET /health HTTP/1.1\r\n",
        b"GET /health HTTP/1.1\r\nHost: api\r\nX-Slow: aaaa",
    ],
    ids=["nothing", "half-a-method", "request-line", "half-the-headers"],
)
def test_a_client_that_stops_before_the_end_of_its_headers_is_disconnected(
    database_url: str, sent: bytes
) -> None:
    with (
        served(database_url, REQUEST_HEADER_TIMEOUT_SECONDS="1") as address,
        _connect(address) as sock,
    ):
        sock.sendall(sent)
        answer = _until_closed(sock)
        if sent:
            assert _parse(answer)[0] == 408
        else:
            assert answer == b""
        assert _get_health(address) == 200  # the server itself is unharmed


def test_a_client_that_starts_another_request_after_an_answer_and_stops_is_disconnected(
    database_url: str,
) -> None:
    # uvicorn's keep-alive timer stops at the first byte of the next request.
    with (
        served(database_url, REQUEST_HEADER_TIMEOUT_SECONDS="1") as address,
        _connect(address) as sock,
    ):
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: api\r\n\r\n")
        assert _answer(sock)[0] == 200
        sock.sendall(b"G")
        assert _parse(_until_closed(sock))[0] == 408


def test_a_request_whose_head_arrived_is_not_cut_by_the_header_deadline(
    database_url: str,
) -> None:
    with (
        served(
            database_url, REQUEST_HEADER_TIMEOUT_SECONDS="1", REQUEST_BODY_TIMEOUT_SECONDS="20"
        ) as address,
        _connect(address) as sock,
    ):
        body = b"{}"
        sock.sendall(
            b"POST "
            + IMPORT.encode()
            + b" HTTP/1.1\r\nHost: api\r\n"
            + _admin()
            + b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n"
        )
        time.sleep(2.5)  # past the header deadline, well within the body's
        sock.sendall(body)
        assert _answer(sock)[0] == 422  # the route read the body and judged it
        # And the connection serves the next request.
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: api\r\n\r\n")
        assert _answer(sock)[0] == 200


# The body of a request.


def _post_head(length: int) -> bytes:
    return (
        b"POST "
        + IMPORT.encode()
        + b" HTTP/1.1\r\nHost: api\r\n"
        + _admin()
        + b"Content-Type: application/json\r\nContent-Length: "
        + str(length).encode()
        + b"\r\n\r\n"
    )


def test_a_body_that_stops_arriving_is_answered_408_and_the_connection_closed(
    database_url: str,
) -> None:
    with (
        served(database_url, REQUEST_BODY_TIMEOUT_SECONDS="1") as address,
        _connect(address) as sock,
    ):
        sock.sendall(_post_head(100) + b'{"provider": "de')
        status, headers, body = _parse(_until_closed(sock))
        assert status == 408
        assert headers["connection"] == "close"
        assert headers["content-type"] == "application/problem+json"
        assert json.loads(body)["status"] == 408
        assert _get_health(address) == 200


def test_a_body_trickled_a_byte_at_a_time_is_cut_at_the_body_deadline(
    database_url: str,
) -> None:
    with (
        served(database_url, REQUEST_BODY_TIMEOUT_SECONDS="1") as address,
        _connect(address) as sock,
    ):
        sock.sendall(_post_head(10_000))
        deadline = time.monotonic() + BOUND
        answer = b""
        # A byte every 0.1 s: each read restarts no timer, and far fewer than 10 000 arrive
        # before the bound.
        while time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0.1)
            if readable:
                answer = _until_closed(sock)
                break
            try:
                sock.sendall(b" ")
            except (BrokenPipeError, ConnectionResetError):
                break  # closed by the server between two looks
        else:
            raise AssertionError(f"still trickling after {BOUND} s")
        if answer:  # the 408 is there unless our last byte crossed the server's close
            assert _parse(answer)[0] == 408


# The number of connections.


def test_connections_beyond_the_limit_are_answered_503(database_url: str) -> None:
    with (
        served(database_url, MAX_CONNECTIONS="2", REQUEST_HEADER_TIMEOUT_SECONDS="60") as address,
        ExitStack() as idle,
    ):
        idle.enter_context(_connect(address)).sendall(b"GET /health HTTP/1.1\r\n")
        assert _get_health(address) == 200  # two connections: within the limit
        idle.enter_context(_connect(address)).sendall(b"GET /health HTTP/1.1\r\n")
        # The third: refused once the server has taken the second in (it may not have yet).
        answers = []
        for _ in range(50):
            answers.append(_health_answer(address))
            if answers[-1][0] == 503:
                break
            time.sleep(0.1)
        status, headers, body = answers[-1]
        assert status == 503, [answer[0] for answer in answers]
        # Refused as every other busy answer is: when to come back, and a problem saying why.
        assert headers["retry-after"] == "1"
        assert headers["content-type"] == "application/problem+json"
        assert headers["connection"] == "close"
        assert "x-request-id" in headers
        problem = json.loads(body)
        assert problem["type"] == "urn:bestshot:problem:overloaded"
        assert problem["status"] == 503
        idle.close()
        for _ in range(50):
            if _get_health(address) == 200:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("still refused once the idle connections were closed")
