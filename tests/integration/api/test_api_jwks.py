"""RS256 admin tokens verified with keys fetched over HTTP from a JWKS endpoint on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.requests import Request

from entrypoints.api.auth import Authenticator
from entrypoints.api.problems import ApiProblem
from entrypoints.settings import load_settings
from tests.integration.api.conftest import LoopbackServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {kid: rsa.generate_private_key(65537, 2048) for kid in ("k1", "k2")}


def _jwks(keys: dict[str, rsa.RSAPrivateKey], *kids: str) -> bytes:
    return json.dumps(
        {
            "keys": [
                {
                    **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys[kid].public_key())),
                    "kid": kid,
                    "use": "sig",
                    "alg": "RS256",
                }
                for kid in kids
            ]
        }
    ).encode()


def _token(key: rsa.RSAPrivateKey, kid: str, **claims: Any) -> str:
    now = datetime.now(UTC)
    payload = {"sub": "ops", "exp": now + timedelta(minutes=5), "role": "admin", **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def _request(token: str) -> Request:
    headers = [(b"authorization", f"Bearer {token}".encode())]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


def _authenticator(loopback: LoopbackServer) -> Authenticator:
    return Authenticator(load_settings({"JWT_JWKS_URL": f"{loopback.url}/jwks.json"}))


async def test_a_token_signed_by_a_published_key_passes(
    loopback: LoopbackServer, keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    loopback.answers["/jwks.json"] = (200, "application/json", _jwks(keys, "k1"))
    authenticator = _authenticator(loopback)
    assert authenticator.algorithms == ["RS256"]
    claims = await authenticator.check_admin(_request(_token(keys["k1"], "k1")))
    assert claims["sub"] == "ops"
    # The key set is cached: a second token costs no second fetch.
    await authenticator.check_admin(_request(_token(keys["k1"], "k1")))
    assert [r.path for r in loopback.received] == ["/jwks.json"]


async def test_a_forged_or_unknown_key_is_401(
    loopback: LoopbackServer, keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    loopback.answers["/jwks.json"] = (200, "application/json", _jwks(keys, "k1"))
    authenticator = _authenticator(loopback)
    for token in (_token(keys["k2"], "k1"), _token(keys["k2"], "k2")):
        with pytest.raises(ApiProblem) as caught:
            await authenticator.check_admin(_request(token))
        assert caught.value.status == 401


async def test_hs256_is_refused_when_only_jwks_is_configured(
    loopback: LoopbackServer, keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    loopback.answers["/jwks.json"] = (200, "application/json", _jwks(keys, "k1"))
    token = jwt.encode(
        {"role": "admin", "exp": datetime.now(UTC) + timedelta(minutes=5)},
        "x" * 32,
        algorithm="HS256",
    )
    with pytest.raises(ApiProblem) as caught:
        await _authenticator(loopback).check_admin(_request(token))
    assert caught.value.status == 401
    assert loopback.received == []  # refused before any key was fetched


async def test_an_unreachable_key_endpoint_is_503_not_401(
    loopback: LoopbackServer, keys: dict[str, rsa.RSAPrivateKey]
) -> None:
    loopback.answers["/jwks.json"] = (500, "text/plain", b"down")
    with pytest.raises(ApiProblem) as caught:
        await _authenticator(loopback).check_admin(_request(_token(keys["k1"], "k1")))
    assert caught.value.status == 503
