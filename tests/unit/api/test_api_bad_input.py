"""Bad input on every endpoint: path tricks, wrong types, malformed JSON, oversized bodies, and
the authentication matrix on the real admin and internal routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.unit.api.conftest import DEMO_ID, INTERNAL_TOKENS, OTHER_JWT_SECRET, TokenFactory

API = "/api/v2"
DATA = f"{API}/data-provider"

# (method, path template, credentials) for every endpoint with path parameters.
PATH_ENDPOINTS = [
    ("GET", f"{API}/tournaments/{{t}}", None),
    ("GET", f"{API}/tournaments/{{t}}/rounds", None),
    ("GET", f"{API}/tournaments/{{t}}/standings", None),
    ("GET", f"{API}/tournaments/{{t}}/matches/{{r}}", None),
    ("PATCH", f"{DATA}/tournaments/{{t}}/matches/{{r}}", "internal"),
    ("PATCH", f"{DATA}/tournaments/{{t}}/standings", "internal"),
    ("PUT", f"{DATA}/tournaments/{{t}}/adjustments/{{r}}", "admin"),
    ("DELETE", f"{DATA}/tournaments/{{t}}/adjustments/{{r}}", "admin"),
]
EVERY_ENDPOINT = [
    ("GET", "/health", None),
    ("GET", "/ready", None),
    ("GET", "/openapi.json", None),
    ("GET", f"{API}/tournaments", None),
    ("POST", f"{DATA}/scheduler", "admin"),
    ("POST", f"{DATA}/tournaments", "admin"),
    *[(m, p.format(t=DEMO_ID, r="matchday-1"), c) for m, p, c in PATH_ENDPOINTS],
]
# Literal `..` segments are resolved by every HTTP client before sending (RFC 3986), so the
# server never sees them from httpx; the uvicorn smoke test sends them raw. Encoded ones arrive.
TRICKS = [
    ".hidden",
    "..%2F..%2Fopenapi.json",
    "%2e%2e",
    "a%00b",
    "a%20b",
    "caf%C3%A9",
    "x" * 200,
    "a;b",
    "%252e%252e",
]


def _credentials(kind: str | None, admin: dict[str, str], internal: dict[str, str]) -> Any:
    return {"admin": admin, "internal": internal, None: {}}[kind]


def _is_problem(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.request.url, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize(("method", "template", "kind"), PATH_ENDPOINTS)
@pytest.mark.parametrize("trick", TRICKS)
async def test_path_tricks_are_refused_cleanly(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    demo_league: str,
    method: str,
    template: str,
    kind: str | None,
    trick: str,
) -> None:
    paths = [template.format(t=trick, r="matchday-1")]
    if "{r}" in template:
        paths.append(template.format(t=DEMO_ID, r=trick))
    for path in paths:
        response = await client.request(method, path, headers=_credentials(kind, admin, internal))
        # 404: no route or no such thing; 422: a parameter that is no slug. Never a 5xx, and
        # never another resource's data.
        _is_problem(response, 404, 422)


@pytest.mark.parametrize(
    "tournament",
    [
        "Demo-League",  # a slug is lowercase: never a stored id
        "demo~league",
        "demo-league%0A",  # a trailing newline, which `re.match` with `$` let through
        "demo-league%0D%0A",
        "-demo-league",
        "demo--league",
    ],
)
async def test_paths_are_held_to_the_domains_slugs(
    client: httpx.AsyncClient, demo_league: str, tournament: str
) -> None:
    response = await client.get(f"{API}/tournaments/{tournament}/standings")
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "path.tournament"
    assert (await client.get(f"{API}/tournaments/{DEMO_ID}/standings")).status_code == 200


@pytest.mark.parametrize(("method", "path", "kind"), EVERY_ENDPOINT)
async def test_an_oversized_body_is_413_on_every_endpoint(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    internal: dict[str, str],
    method: str,
    path: str,
    kind: str | None,
) -> None:
    headers = {**_credentials(kind, admin, internal), "content-type": "application/json"}
    response = await client.request(
        method, path, content=b"[" + b"1," * 5000 + b"1]", headers=headers
    )
    _is_problem(response, 413)


@pytest.mark.parametrize(
    "raw",
    [b"{", b'{"provider": "demo",', b"not json", b"\xff", b'{"provider": "demo"}}'],
)
async def test_malformed_json_on_import_is_400(
    client: httpx.AsyncClient, admin: dict[str, str], raw: bytes
) -> None:
    response = await client.post(
        f"{DATA}/tournaments", content=raw, headers={**admin, "content-type": "application/json"}
    )
    _is_problem(response, 400)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"provider": 1, "reference": "7", "label": "X", "rules": "premier_league"},
            "body.provider",
        ),
        (
            {"provider": "demo", "reference": "", "label": "X", "rules": "premier_league"},
            "body.reference",
        ),
        ({"provider": "demo", "reference": "7", "rules": "premier_league"}, "body.label"),
        ({"provider": "demo", "reference": "7", "label": "X", "rules": None}, "body.rules"),
        (
            {"provider": "demo", "reference": "7", "label": "X", "rules": "p", "timezone": 3},
            "body.timezone",
        ),
        (
            {"provider": "demo", "reference": "7", "label": "X", "rules": "p", "extra": 1},
            "body.extra",
        ),
        (["demo"], "body"),
        ("demo", "body"),
    ],
)
async def test_wrong_types_on_import_are_422_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], payload: Any, field: str
) -> None:
    response = await client.post(f"{DATA}/tournaments", json=payload, headers=admin)
    _is_problem(response, 422)
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_an_import_body_that_is_not_json_is_415(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        f"{DATA}/tournaments",
        content=b"provider=demo&reference=7",
        headers={**admin, "content-type": "application/x-www-form-urlencoded"},
    )
    _is_problem(response, 415)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date=tomorrow", "query.date"),
        ("date=2026-02-30", "query.date"),
        ("date=2026-03-14T10:00:00", "query.date"),
        ("dryRun=perhaps", "query.dryRun"),
        ("dry_run=true", "query.dry_run"),
        ("limit=3", "query.limit"),
    ],
)
async def test_bad_scheduler_parameters_are_422_naming_them(
    client: httpx.AsyncClient, admin: dict[str, str], query: str, field: str
) -> None:
    response = await client.post(f"{DATA}/scheduler?{query}", headers=admin)
    _is_problem(response, 422)
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_unknown_query_parameters_on_reads_are_ignored(
    client: httpx.AsyncClient, demo_league: str
) -> None:
    # Reads take no parameters; an unknown one is ignored rather than guessed at.
    response = await client.get(f"{API}/tournaments?page=2")
    assert response.status_code == 200


async def test_wrong_methods_are_405_with_allow(client: httpx.AsyncClient) -> None:
    for method, path, allowed in (
        ("DELETE", f"{API}/tournaments", {"GET", "HEAD"}),
        ("GET", f"{DATA}/scheduler", {"POST"}),
        ("PUT", f"{DATA}/tournaments/x/standings", {"PATCH"}),
        ("POST", f"{DATA}/tournaments/x/matches/y", {"PATCH"}),
        ("PATCH", f"{API}/tournaments/x", {"GET", "HEAD"}),
        ("POST", f"{DATA}/tournaments/x/adjustments/demo:t01", {"PUT", "DELETE"}),
    ):
        response = await client.request(method, path)
        _is_problem(response, 405)
        assert set(response.headers["allow"].split(", ")) == allowed


# The authentication matrix on the real routes.

ADMIN_ROUTES = [
    ("POST", f"{DATA}/tournaments"),
    ("PUT", f"{DATA}/tournaments/{DEMO_ID}/adjustments/demo:t01"),
    ("DELETE", f"{DATA}/tournaments/{DEMO_ID}/adjustments/demo:t01"),
]
ADJUSTMENT = {"points": -3, "reason": "a test"}
INTERNAL_ROUTES = [
    ("PATCH", f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20"),
    ("PATCH", f"{DATA}/tournaments/{DEMO_ID}/standings"),
]


def _jwt_cases(make: TokenFactory) -> dict[str, str]:
    past = datetime.now(UTC) - timedelta(hours=1)
    return {
        "wrong": "not-a-token",
        "expired": make(exp=past, iat=past - timedelta(minutes=5)),
        "alg-none": make(key=None, algorithm="none"),
        "wrong-audience": make(aud="another-api"),
        "another-key": make(key=OTHER_JWT_SECRET),
    }


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_the_admin_matrix(
    client: httpx.AsyncClient,
    make_token: TokenFactory,
    demo_league: str,
    demo_import: dict[str, str],
    method: str,
    path: str,
) -> None:
    json_body = (
        demo_import if path.endswith("tournaments") else ADJUSTMENT if method == "PUT" else None
    )
    _is_problem(await client.request(method, path, json=json_body), 401)
    for case, token in _jwt_cases(make_token).items():
        response = await client.request(
            method, path, json=json_body, headers={"Authorization": f"Bearer {token}"}
        )
        _is_problem(response, 401)
        assert token not in response.text, case
    not_admin = make_token(role="viewer")
    response = await client.request(
        method, path, json=json_body, headers={"Authorization": f"Bearer {not_admin}"}
    )
    _is_problem(response, 403)
    response = await client.request(
        method, path, json=json_body, headers={"X-Internal-Token": INTERNAL_TOKENS[0]}
    )
    _is_problem(response, 401)
    valid = await client.request(
        method, path, json=json_body, headers={"Authorization": f"Bearer {make_token()}"}
    )
    assert valid.status_code == 200, valid.text


async def test_the_planning_matrix_takes_either_credential(
    client: httpx.AsyncClient, make_token: TokenFactory, demo_league: str
) -> None:
    path = f"{DATA}/scheduler?dryRun=true"
    _is_problem(await client.post(path), 401)
    for case, token in _jwt_cases(make_token).items():
        response = await client.post(path, headers={"Authorization": f"Bearer {token}"})
        _is_problem(response, 401)
        assert token not in response.text, case
    viewer = make_token(role="viewer")
    _is_problem(await client.post(path, headers={"Authorization": f"Bearer {viewer}"}), 403)
    for token in ("wrong", INTERNAL_TOKENS[0][:-1], make_token()):
        response = await client.post(path, headers={"X-Internal-Token": token})
        _is_problem(response, 403)
        assert token not in response.text
    for headers in (
        {"Authorization": f"Bearer {make_token()}"},
        *({"X-Internal-Token": token} for token in INTERNAL_TOKENS),
    ):
        valid = await client.post(path, headers=headers)
        assert valid.status_code == 200, valid.text


@pytest.mark.parametrize(("method", "path"), INTERNAL_ROUTES)
async def test_the_internal_matrix(
    client: httpx.AsyncClient,
    make_token: TokenFactory,
    demo_league: str,
    method: str,
    path: str,
) -> None:
    _is_problem(await client.request(method, path), 401)
    for token in ("wrong", INTERNAL_TOKENS[0][:-1], make_token()):
        response = await client.request(method, path, headers={"X-Internal-Token": token})
        _is_problem(response, 403)
        assert token not in response.text
    jwt_only = await client.request(
        method, path, headers={"Authorization": f"Bearer {make_token()}"}
    )
    _is_problem(jwt_only, 401)
    for token in INTERNAL_TOKENS:
        valid = await client.request(method, path, headers={"X-Internal-Token": token})
        assert valid.status_code == 200, valid.text
