"""Request ids, JSON log lines, health and readiness."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bestshot_domain.errors import StorageBusy, StorageUnavailable
from bestshot_routes.redaction import RedactRecords
from entrypoints.logs import JsonFormatter, configure_logging, request_id_var
from entrypoints.settings import Settings
from tests.unit.api.conftest import INTERNAL_TOKENS, UnreachableStorage, client_of


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the bestshot loggers write, as configured in production (JSON, secrets redacted)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactRecords(INTERNAL_TOKENS))
    logger = logging.getLogger("bestshot")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_every_answer_carries_a_fresh_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/health")
    second = await client.get("/health")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_plain_incoming_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "lambda-4f2a9c1e"})
    assert response.headers["x-request-id"] == "lambda-4f2a9c1e"


@pytest.mark.parametrize("incoming", ["short", "has space in it", "x" * 65, '"><script>', "a\tb"])
async def test_an_odd_incoming_request_id_is_replaced(
    client: httpx.AsyncClient, incoming: str
) -> None:
    response = await client.get("/health", headers={"X-Request-ID": incoming})
    assert response.headers["x-request-id"] != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_each_request_is_one_json_log_line_with_its_id(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    response = await client.get("/nothing?token=abc", headers={"X-Request-ID": "req-12345678"})
    entries = [e for e in _entries(log_lines) if e["logger"] == "bestshot.access"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["request_id"] == response.headers["x-request-id"] == "req-12345678"
    assert entry["method"] == "GET"
    assert entry["path"] == "/nothing"  # the query string is not logged
    assert entry["status"] == 404
    assert entry["duration_ms"] >= 0
    assert request_id_var.get() is None  # nothing leaks into the next request


async def test_a_failed_request_is_logged_with_its_status(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    await client.get("/api/v2/tournaments/nothing-like-it")
    statuses = [e.get("status") for e in _entries(log_lines) if e["logger"] == "bestshot.access"]
    assert statuses == [404]


def test_secrets_are_redacted_from_log_lines(log_lines: io.StringIO) -> None:
    logger = logging.getLogger("bestshot.test")
    logger.warning("calling with %s", INTERNAL_TOKENS[0], extra={"header": INTERNAL_TOKENS[1]})
    try:
        raise ValueError(f"bad token {INTERNAL_TOKENS[0]}")
    except ValueError:
        logger.exception("failed")
    text = log_lines.getvalue()
    assert INTERNAL_TOKENS[0] not in text
    assert INTERNAL_TOKENS[1] not in text
    entries = _entries(log_lines)
    assert entries[0]["message"] == "calling with [redacted]"
    assert entries[0]["header"] == "[redacted]"
    assert "ValueError: bad token [redacted]" in entries[1]["exception"]


def test_configure_logging_writes_json_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogRecordFactory())
    try:
        configure_logging("INFO", secrets=["hunter2-hunter2"])
        logging.getLogger("uvicorn.error").info(
            "started with %s", "hunter2-hunter2", extra={"color_message": "\x1b[36m..."}
        )
        logging.getLogger("uvicorn.access").info("GET / 200")  # ours replaces it
        logging.getLogger("pgserver").info("initdb said a lot")  # only its warnings
        logging.getLogger("pgserver").warning("postgres is slow")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.setLogRecordFactory(saved[2])
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [entry["message"] for entry in entries] == [
        "started with [redacted]",
        "postgres is slow",
    ]
    assert "color_message" not in entries[0]


async def test_health_answers_without_touching_the_database(settings: Settings) -> None:
    async with client_of(settings, uow_factory=UnreachableStorage) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_answers_when_the_check_passes(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_ready_is_ready_but_busy_when_no_connection_came_free(settings: Any) -> None:
    async def every_connection_taken() -> None:
        raise StorageBusy("no database connection was free within 1 s")

    async with client_of(settings, ready_check=every_connection_taken) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "busy"}


async def test_ready_is_a_503_problem_when_the_check_fails(settings: Any, uow_factory: Any) -> None:
    calls = 0

    async def database_down() -> None:
        nonlocal calls
        calls += 1
        raise StorageUnavailable("could not connect to server at 10.1.2.3")

    async with client_of(settings, ready_check=database_down) as client:
        response = await client.get("/ready")
    assert calls == 1
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "10.1.2.3" not in response.text
