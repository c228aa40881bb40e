"""Fixtures for the API tests over httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.ports import UnitOfWork
from entrypoints.api import create_app
from entrypoints.settings import Settings, load_settings

JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef"
OTHER_JWT_SECRET = "another-jwt-secret-0123456789abcdef0123456789abc"
INTERNAL_TOKENS = (
    "internal-token-current-0123456789abcdef",
    "internal-token-previous-0123456789abcd",
)
AUDIENCE = "bestshot-api"
ISSUER = "https://issuer.test/"

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


class _UnreachableStorage:
    """A unit of work whose database is down: what every read meets when PostgreSQL is gone."""

    async def __aenter__(self) -> UnitOfWork:
        raise StorageUnavailable("connection refused")

    async def __aexit__(self, *exc_info: object) -> None:
        return None


@pytest.fixture
def uow_factory() -> Callable[[], Any]:
    return _UnreachableStorage


@pytest.fixture
def ready_check() -> Callable[[], Any]:
    async def database_answers() -> None:
        return None

    return database_answers


@pytest.fixture
def app(settings: Settings, uow_factory: Any, ready_check: Any) -> Starlette:
    return create_app(settings=settings, uow_factory=uow_factory, ready_check=ready_check)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
