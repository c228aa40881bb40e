"""Fixtures for the API tests over httpx's ASGI transport.

The app is wired by the real composition root (`bootstrap`) with the in-memory adapters, a
settable clock, the demo source (deterministic from its seed and the clock) and a scripted
source that tests can make fail. Every problem a client of these fixtures receives is checked
against the Problem schema of the app's own OpenAPI document.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jsonschema import Draft202012Validator
from starlette.applications import Starlette

from adapters.memory import (
    MemoryScheduler,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    ScriptedSource,
    SettableClock,
)
from adapters.sources.demo import DemoSource, reference_for
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.ports import ResultSource, UnitOfWork
from entrypoints.api.auth import Authenticator
from entrypoints.api.operations import Operation
from entrypoints.api.problems import PROBLEM_JSON
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.settings import Settings, load_settings

JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef"
OTHER_JWT_SECRET = "another-jwt-secret-0123456789abcdef0123456789abc"
INTERNAL_TOKENS = (
    "internal-token-current-0123456789abcdef",
    "internal-token-previous-0123456789abcd",
)
AUDIENCE = "bestshot-api"
ISSUER = "https://issuer.test/"
# A Saturday morning, before the demo's current matchday kicks off.
NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
DEMO_LABEL = "Demo League"
DEMO_ID = "demo-league"

TokenFactory = Callable[..., str]


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def environ() -> dict[str, str]:
    """The environment the app under test is configured from; tests may change it first."""
    return {
        "NODE_ENV": "demo",
        "API_DOMAIN": "https://api.bestshot.test",
        "JWT_SECRET": JWT_SECRET,
        "JWT_AUDIENCE": AUDIENCE,
        "JWT_ISSUER": ISSUER,
        "INTERNAL_SERVICE_TOKEN": ",".join(INTERNAL_TOKENS),
        "MAX_BODY_BYTES": "2048",
    }


@pytest.fixture
def settings(environ: dict[str, str]) -> Settings:
    return load_settings(environ)


@pytest.fixture
def make_token() -> TokenFactory:
    """A signed JWT: valid admin claims by default; keyword arguments override or drop claims."""

    def make(
        *,
        key: Any = JWT_SECRET,
        algorithm: str = "HS256",
        headers: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
        **claims: Any,
    ) -> str:
        now = datetime.now(UTC)
        payload: dict[str, Any] = {
            "sub": "someone",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "role": "admin",
        }
        for name in drop:
            payload.pop(name, None)
        payload.update(claims)
        return jwt.encode(payload, key, algorithm=algorithm, headers=headers)

    return make


@pytest.fixture
def admin(make_token: TokenFactory) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token()}"}


@pytest.fixture
def internal() -> dict[str, str]:
    return {"X-Internal-Token": INTERNAL_TOKENS[0]}


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def uow_factory(store: MemoryStore) -> Any:
    return MemoryUnitOfWorkFactory(store)


@pytest.fixture
def scripted() -> ScriptedSource:
    return ScriptedSource("scripted")


@pytest.fixture
def scheduler() -> MemoryScheduler:
    return MemoryScheduler()


@pytest.fixture
def demo_reference(clock: SettableClock) -> str:
    return reference_for(7, clock.now())


@pytest.fixture
async def service(
    settings: Settings,
    uow_factory: Any,
    clock: SettableClock,
    scripted: ScriptedSource,
    scheduler: MemoryScheduler,
) -> AsyncIterator[Service]:
    sources: dict[str, ResultSource] = {"demo": DemoSource(clock), "scripted": scripted}
    async with bootstrap(
        settings, uow_factory=uow_factory, sources=sources, scheduler=scheduler, clock=clock
    ) as wired:
        yield wired


@pytest.fixture
def app(service: Service) -> Starlette:
    return service.app()


def documented_problem(document: dict[str, Any]) -> Draft202012Validator:
    """A validator of the Problem schema in an OpenAPI 3.1 document (JSON Schema 2020-12)."""
    schema = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    return Draft202012Validator(schema)


def problems_checked(
    app: Starlette,
) -> dict[str, list[Callable[[httpx.Response], Awaitable[None]]]]:
    """httpx event hooks failing the request when a problem is not the documented Problem."""
    document = app.state.openapi_document()
    validator = documented_problem(document)
    # The schema admits extension members (RFC 9457); the app sends none, so a member it sends
    # under another name than the documented one is caught here.
    members = set(document["components"]["schemas"]["Problem"]["properties"])

    async def check(response: httpx.Response) -> None:
        media_type = response.headers.get("content-type", "").split(";")[0]
        if media_type != PROBLEM_JSON or response.request.method == "HEAD":
            return
        await response.aread()
        body = response.json()
        errors = [error.message for error in validator.iter_errors(body)]
        errors.extend(f"{name!r} is not a documented member" for name in set(body) - members)
        assert not errors, f"{response.request.url} sent an undocumented problem: {errors}"

    return {"response": [check]}


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=problems_checked(app)
    ) as client:
        yield client


@pytest.fixture
def demo_import(demo_reference: str) -> dict[str, str]:
    """The body that imports the demo league."""
    return {
        "provider": "demo",
        "reference": demo_reference,
        "label": DEMO_LABEL,
        "rules": "premier_league",
        "timezone": "Europe/London",
        "zones": "1:champion,1-4:champions_league,18-20:relegation",
    }


@pytest.fixture
async def demo_league(
    client: httpx.AsyncClient, admin: dict[str, str], demo_import: dict[str, str]
) -> str:
    """A 20-club demo league imported through the API; its id."""
    response = await client.post(
        "/api/v2/data-provider/tournaments", json=demo_import, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["tournament"]["id"] == DEMO_ID
    return DEMO_ID


class UnreachableStorage:
    """A unit of work whose database is down: what every request meets when PostgreSQL is."""

    async def __aenter__(self) -> UnitOfWork:
        raise StorageUnavailable("connection to 10.0.0.7 refused")

    async def __aexit__(self, *exc_info: object) -> None:
        return None


@asynccontextmanager
async def client_of(
    settings: Settings,
    *,
    extra_operations: tuple[Operation, ...] = (),
    authenticator: Authenticator | None = None,
    **ports: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app over other settings or ports than the fixtures' (storage down ...)."""
    ports.setdefault("uow_factory", MemoryUnitOfWorkFactory(MemoryStore()))
    ports.setdefault("sources", {})
    ports.setdefault("scheduler", MemoryScheduler())
    ports.setdefault("clock", SettableClock(NOW))
    async with bootstrap(settings, **ports) as wired:
        app = wired.app(extra_operations=extra_operations, authenticator=authenticator)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", event_hooks=problems_checked(app)
        ) as client:
            yield client
