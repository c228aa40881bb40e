"""The OpenAPI document: valid 3.1, and describing every route the app serves."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.routing import Route


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_served_route_is_documented(app: Starlette, document: dict[str, Any]) -> None:
    assert any(getattr(route, "path", "") == "/console" for route in app.routes)
    served = {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route) and route.include_in_schema  # not the console's pages
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented


def test_every_operation_documents_its_problems_as_problem_json(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["operationId"]
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = response["content"]
                    assert list(content) == ["application/problem+json"]
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }


def test_public_reads_document_their_cache_headers(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v2/tournaments/{tournament}"]["get"]
    assert "304" in operation["responses"]
    assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"tournament", "If-None-Match"}


def test_security_schemes_are_declared(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["adminBearer"]["scheme"] == "bearer"
    assert schemes["internalToken"] == {
        **schemes["internalToken"],
        "type": "apiKey",
        "in": "header",
        "name": "X-Internal-Token",
    }
