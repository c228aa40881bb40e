"""The OpenAPI document allows exactly what the server accepts: a value the document allows is
never refused with a 422, and a value it forbids always is.

Each case is a request body or query parameter the document and the server once disagreed on
(issue 11, point 8), and its well-formed neighbour. Each is judged twice: by the document's own
schema (JSON Schema 2020-12, formats checked) and by the app, which must serve it (200) when
the document allows it and answer 422 when the document says no.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.applications import Starlette

from tests.unit.api.conftest import DEMO_ID

DATA = "/api/v2/data-provider"
SCHEDULER = f"{DATA}/scheduler"
IMPORT = f"{DATA}/tournaments"
ADJUSTMENT = f"{DATA}/tournaments/{DEMO_ID}/adjustments/demo:t01"


def _allows(document: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    root = {**schema, "components": document["components"]}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validator.is_valid(value)


def _body_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body = document["paths"][path][method]["requestBody"]
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


def _query_schema(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    for parameter in document["paths"][path][method]["parameters"]:
        if parameter["in"] == "query" and parameter["name"] == name:
            schema: dict[str, Any] = parameter["schema"]
            return schema
    raise AssertionError(f"no query parameter {name!r}")


def _assert_agree(allowed: bool, response: httpx.Response) -> None:
    # The rest of each request is well formed and names what exists: allowed means served.
    expected = 200 if allowed else 422
    assert response.status_code == expected, (
        f"the document {'allows' if allowed else 'forbids'} it, "
        f"the server answered {response.status_code}: {response.text}"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("provider", "demo"),
        ("provider", "scripted-but-not-configured"),
        ("provider", "nowhere"),
        ("rules", "la_liga"),
        ("rules", "no_such_rules"),
        ("timezone", "America/Sao_Paulo"),
        ("timezone", "Mars/Olympus"),
        ("timezone", "europe/london"),
        ("reference", "   "),
        ("reference", "\u3000"),
        ("reference", "\x1c"),
    ],
)
async def test_an_import_body_is_refused_exactly_when_the_document_forbids_it(
    app: Starlette,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_import: dict[str, str],
    field: str,
    value: str,
) -> None:
    document = app.state.openapi_document()
    body = {**demo_import, field: value}
    allowed = _allows(document, _body_schema(document, IMPORT, "post"), body)
    _assert_agree(allowed, await client.post(IMPORT, json=body, headers=admin))


async def test_the_document_names_the_configured_providers(app: Starlette) -> None:
    document = app.state.openapi_document()
    schema = document["components"]["schemas"]["TournamentImportIn"]
    assert schema["properties"]["provider"]["enum"] == ["demo", "scripted"]  # the fixture's


@pytest.mark.parametrize(
    "body",
    [
        {"points": -10, "reason": "administration"},
        {"points": 3, "reason": "awarded"},
        {"points": -9.0, "reason": "a JSON integer"},
        {"points": -9.5, "reason": "x"},
        {"points": True, "reason": "x"},
        {"points": "-9", "reason": "x"},
        {"points": -0.0, "reason": "x"},
        {"points": 0, "reason": "nothing"},
        {"points": -1, "reason": "   "},
        {"points": -1, "reason": "\t\n"},
        {"points": 1000, "reason": "x"},
        {"points": 1001, "reason": "x"},
    ],
)
async def test_an_adjustment_is_refused_exactly_when_the_document_forbids_it(
    app: Starlette,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_league: str,
    body: dict[str, Any],
) -> None:
    document = app.state.openapi_document()
    path = f"{DATA}/tournaments/{{tournament}}/adjustments/{{team}}"
    allowed = _allows(document, _body_schema(document, path, "put"), body)
    _assert_agree(allowed, await client.put(ADJUSTMENT, json=body, headers=admin))


@pytest.mark.parametrize(
    "day",
    [
        "2026-03-14",
        "1900-01-01",
        "2200-12-31",
        "1899-12-31",
        "2201-01-01",
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "20260314",
        "null",
    ],
)
async def test_a_scheduler_day_is_refused_exactly_when_the_document_forbids_it(
    app: Starlette, client: httpx.AsyncClient, admin: dict[str, str], demo_league: str, day: str
) -> None:
    document = app.state.openapi_document()
    allowed = _allows(document, _query_schema(document, SCHEDULER, "post", "date"), day)
    response = await client.post(SCHEDULER, params={"date": day, "dryRun": "true"}, headers=admin)
    _assert_agree(allowed, response)
