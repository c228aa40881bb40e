"""Every error is an RFC 9457 problem: routing errors, limits, validation, domain errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bestshot_domain.errors import (
    BestshotError,
    Conflict,
    InvalidInput,
    NotFound,
    SourceBlocked,
    SourceFormatError,
    SourceTimeout,
    SourceTooLarge,
    SourceUnavailable,
    StorageUnavailable,
)
from entrypoints.api import inputs
from entrypoints.api.operations import Operation, Reply
from entrypoints.api.problems import ApiProblem, handle_exception, problem_body
from entrypoints.bootstrap import Service
from entrypoints.settings import Settings
from tests.unit.api.conftest import (
    TokenFactory,
    UnreachableStorage,
    client_of,
    documented_problem,
)

PROBLEM = "application/problem+json"


class Thing(BaseModel):
    name: str = Field(min_length=1)
    count: int = Field(ge=0)


class Paging(BaseModel):
    limit: int = Field(default=10, ge=1, le=100)


async def _echo(request: Request) -> Response:
    thing = await inputs.body(request, Thing)
    paging = inputs.query(request, Paging)
    return JSONResponse({"name": thing.name, "count": thing.count, "limit": paging.limit})


DOMAIN_ERRORS: dict[str, BestshotError] = {
    "not-found": NotFound("no tournament 'x'"),
    "invalid": InvalidInput("score must be non-negative"),
    "conflict": Conflict("match changed meanwhile"),
    "unavailable": SourceUnavailable("espn", "HTTP 503 after 3 tries"),
    "blocked": SourceBlocked("sofascore", "HTTP 403 challenge"),
    "format": SourceFormatError("espn", "events[3].status", "unknown status"),
    "timeout": SourceTimeout("espn", "no answer within the 20 s deadline"),
    "too-large": SourceTooLarge("espn", "larger than the 8 MiB cap"),
    "storage": StorageUnavailable("connection to 10.0.0.7 user=bestshot refused"),
    "unexpected": RuntimeError("secret internals"),  # type: ignore[dict-item]
}


async def _fail(request: Request) -> Response:
    raise DOMAIN_ERRORS[request.path_params["case"]]


@pytest.fixture
def app(service: Service) -> Starlette:
    return service.app(
        extra_operations=(
            Operation(
                "POST",
                "/echo",
                _echo,
                operation_id="echo",
                summary="echo",
                tag="test",
                replies={200: Reply("ok")},
                body=Thing,
            ),
            Operation(
                "GET",
                "/fail/{case}",
                _fail,
                operation_id="fail",
                summary="fail",
                tag="test",
                replies={200: Reply("never")},
            ),
        )
    )


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["type"] == "about:blank" or body["type"].startswith("urn:bestshot:problem:")
    assert body["requestId"] == response.headers["x-request-id"]
    return body


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = problem(await client.get("/api/v2/nothing/here"), 404)
    assert body["instance"] == "/api/v2/nothing/here"


async def test_a_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health")
    problem(response, 405)
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


async def test_a_405_names_the_allowed_methods_in_one_order(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v2/data-provider/tournaments/demo-league/adjustments/demo:t01"
    )
    problem(response, 405)
    assert response.headers["allow"] == "DELETE, PUT"
    assert response.json()["detail"] == "POST is not allowed here; use DELETE, PUT"


async def test_a_405_sorts_the_methods_starlette_lists_in_a_set_order() -> None:
    # Starlette builds Allow from a set, whose order changes between processes: whatever order
    # it hands over, the answer lists the methods sorted.
    request = Request({"type": "http", "method": "POST", "path": "/x", "headers": []})
    exc = HTTPException(405, headers={"Allow": "PUT, HEAD, DELETE, GET"})
    response = await handle_exception(request, exc)
    assert response.headers["allow"] == "DELETE, GET, HEAD, PUT"
    assert json.loads(bytes(response.body))["detail"] == (
        "POST is not allowed here; use DELETE, GET, HEAD, PUT"
    )


async def test_a_valid_body_goes_through(client: httpx.AsyncClient) -> None:
    response = await client.post("/echo?limit=5", json={"name": "a", "count": 2})
    assert response.status_code == 200
    assert response.json() == {"name": "a", "count": 2, "limit": 5}


async def test_a_body_over_the_limit_is_413_by_its_length(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/echo", content=b"x" * 4096, headers={"content-type": "application/json"}
    )
    problem(response, 413)


async def test_a_streamed_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b'{"name": "' + b"x" * 500

    response = await client.post(
        "/echo", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    problem(response, 413)


async def test_a_non_numeric_content_length_is_400(client: httpx.AsyncClient) -> None:
    # httpx recomputes Content-Length for in-memory content, so build the request by hand.
    request = client.build_request("POST", "/echo", content=b"{}")
    request.headers["content-length"] = "abc"
    request.headers["content-type"] = "application/json"
    response = await client.send(request)
    problem(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
async def test_a_body_that_is_not_json_is_415(client: httpx.AsyncClient, content_type: str) -> None:
    response = await client.post(
        "/echo", content=b'{"name": "a", "count": 1}', headers={"content-type": content_type}
    )
    problem(response, 415)


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: httpx.AsyncClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = await client.post(
            "/echo", content=b'{"name": "a", "count": 1}', headers={"content-type": content_type}
        )
        assert response.status_code == 200


@pytest.mark.parametrize("raw", [b"{", b"", b"nul", b'{"name": "a",}', b"\xff\xfe"])
async def test_malformed_json_is_400(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post("/echo", content=raw, headers={"content-type": "application/json"})
    problem(response, 400)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "a", "count": "many"}, {"body.count"}),
        ({"name": "", "count": -1}, {"body.name", "body.count"}),
        ({"count": 1}, {"body.name"}),
        ([1, 2], {"body"}),
        ({"name": "a", "count": 1.5}, {"body.count"}),
    ],
)
async def test_invalid_fields_are_422_and_named(
    client: httpx.AsyncClient, payload: Any, fields: set[str]
) -> None:
    secret_value = "many"
    response = await client.post("/echo", json=payload)
    body = problem(response, 422)
    assert {error["field"] for error in body["errors"]} == fields
    for field in fields:
        assert field in body["detail"]
    if payload == {"name": "a", "count": secret_value}:
        assert secret_value not in response.text


async def test_invalid_and_unknown_query_parameters_are_422(client: httpx.AsyncClient) -> None:
    body = problem(await client.post("/echo?limit=0", json={"name": "a", "count": 1}), 422)
    assert [error["field"] for error in body["errors"]] == ["query.limit"]
    body = problem(await client.post("/echo?sort=x", json={"name": "a", "count": 1}), 422)
    assert [error["field"] for error in body["errors"]] == ["query.sort"]


@pytest.mark.parametrize(
    ("case", "status", "kind"),
    [
        ("not-found", 404, "not-found"),
        ("invalid", 422, "invalid-input"),
        ("conflict", 409, "conflict"),
        ("unavailable", 502, "source-unavailable"),
        ("blocked", 502, "source-blocked"),
        ("format", 502, "source-format"),
        ("storage", 503, "storage-unavailable"),
        ("unexpected", 500, "internal"),
    ],
)
async def test_domain_errors_map_to_statuses(
    client: httpx.AsyncClient, case: str, status: int, kind: str
) -> None:
    body = problem(await client.get(f"/fail/{case}"), status)
    assert body["type"] == f"urn:bestshot:problem:{kind}"


async def test_source_errors_name_the_provider_and_path(client: httpx.AsyncClient) -> None:
    body = problem(await client.get("/fail/format"), 502)
    assert "espn" in body["detail"]
    assert "events[3].status" in body["detail"]


async def test_storage_and_unexpected_errors_tell_the_client_nothing_internal(
    client: httpx.AsyncClient,
) -> None:
    storage = await client.get("/fail/storage")
    problem(storage, 503)
    assert "10.0.0.7" not in storage.text
    assert storage.headers["retry-after"] == "5"
    unexpected = await client.get("/fail/unexpected")
    problem(unexpected, 500)
    assert "secret internals" not in unexpected.text


async def test_problems_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.headers["cache-control"] == "no-store"


async def test_a_read_with_the_database_down_is_503(settings: Settings) -> None:
    async with client_of(settings, uow_factory=UnreachableStorage) as client:
        body = problem(await client.get("/api/v2/tournaments"), 503)
    assert "10.0.0.7" not in json.dumps(body)


async def test_every_problem_the_app_sends_is_the_documented_problem(
    client: httpx.AsyncClient, app: Starlette, settings: Settings, make_token: TokenFactory
) -> None:
    """One request for each way the app answers a problem: routing, the middleware's limits, the
    body and query parsers, authentication, and each domain error."""
    scheduler = "/api/v2/data-provider/scheduler"
    not_admin = {"Authorization": f"Bearer {make_token(role='user')}"}
    bad_length = client.build_request(
        "POST", "/echo", content=b"{}", headers={"content-type": "application/json"}
    )
    bad_length.headers["content-length"] = "abc"
    responses = [
        await client.get("/nowhere"),
        await client.delete("/health"),
        await client.send(bad_length),
        await client.post("/echo", content=b"{", headers={"content-type": "application/json"}),
        await client.post("/echo", content=b"x" * 4096, headers={"content-type": "text/plain"}),
        await client.post("/echo", content=b"{}", headers={"content-type": "text/plain"}),
        await client.post("/echo?sort=x", json={"name": "", "count": -1}),
        await client.post(scheduler),
        await client.post(scheduler, headers=not_admin),
        *[await client.get(f"/fail/{case}") for case in DOMAIN_ERRORS],
    ]
    async with client_of(settings, uow_factory=UnreachableStorage) as down:
        responses.append(await down.get("/api/v2/tournaments"))

    document = app.state.openapi_document()
    validator = documented_problem(document)
    members = set(document["components"]["schemas"]["Problem"]["properties"])
    for response in responses:
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert list(validator.iter_errors(body)) == [], body
        assert set(body) <= members, body
    documented = {
        int(status)
        for item in document["paths"].values()
        for operation in item.values()
        for status in operation["responses"]
        if int(status) >= 400
    }
    sent = {response.status_code for response in responses}
    assert documented <= sent, f"no request here for the problems {documented - sent}"
    assert sent - documented == {405, 500}  # sent by any route, documented by none


def test_a_problem_body_outside_the_documented_statuses_cannot_be_built() -> None:
    with pytest.raises(ValidationError):
        problem_body(ApiProblem(200, "all is well"))


async def test_every_503_says_when_to_come_back(settings: Settings) -> None:
    """A 503 is a "come back later": one raised without a Retry-After (Starlette's own
    HTTPException, a plain answer) gets one, so that callers never come back blindly."""

    async def http_503(request: Request) -> Response:
        raise HTTPException(503)

    async def plain_503(request: Request) -> Response:
        return Response(status_code=503)

    async def busy_503(request: Request) -> Response:
        raise ApiProblem(503, "busy", headers={"Retry-After": "1"})

    operations = tuple(
        Operation(
            "GET",
            f"/{name}",
            endpoint,
            operation_id=name,
            summary=name,
            tag="test",
            replies={200: Reply("never")},
        )
        for name, endpoint in (("http", http_503), ("plain", plain_503), ("busy", busy_503))
    )
    async with client_of(settings, extra_operations=operations) as client:
        raised, plain, busy = [await client.get(f"/{name}") for name in ("http", "plain", "busy")]
    problem(raised, 503)
    assert raised.headers["retry-after"] == "5"
    assert plain.status_code == 503
    assert plain.headers["retry-after"] == "5"
    assert busy.headers.get_list("retry-after") == ["1"]  # what a route said is kept, once
