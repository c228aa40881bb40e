"""The authentication matrix: every way a credential can be wrong, on admin and internal routes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from entrypoints.api.auth import Authenticator
from entrypoints.api.operations import Operation, Reply, Security
from entrypoints.bootstrap import Service
from entrypoints.settings import ConfigurationError, load_settings
from tests.unit.api.conftest import (
    INTERNAL_TOKENS,
    JWT_SECRET,
    OTHER_JWT_SECRET,
    TokenFactory,
    client_of,
)

ADMIN_PATH = "/guarded/admin"
INTERNAL_PATH = "/guarded/internal"


async def _whoami(request: Request) -> Response:
    claims = getattr(request.state, "claims", None)
    return JSONResponse({"sub": None if claims is None else claims["sub"]})


def _guarded_operations() -> tuple[Operation, ...]:
    return (
        Operation(
            "POST",
            ADMIN_PATH,
            _whoami,
            operation_id="adminProbe",
            summary="admin probe",
            tag="test",
            replies={200: Reply("ok")},
            security=Security.ADMIN,
        ),
        Operation(
            "PATCH",
            INTERNAL_PATH,
            _whoami,
            operation_id="internalProbe",
            summary="internal probe",
            tag="test",
            replies={200: Reply("ok")},
            security=Security.INTERNAL,
        ),
    )


@pytest.fixture
def app(service: Service) -> Starlette:
    return service.app(extra_operations=_guarded_operations())


def _assert_problem(response: httpx.Response, status: int, *secrets: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    for secret in secrets:
        assert secret not in response.text
        assert all(secret not in value for value in response.headers.values())
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Admin: Authorization: Bearer <JWT>.


async def test_admin_without_credentials_is_401_with_a_challenge(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(ADMIN_PATH)
    _assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_admin_with_a_valid_token_passes(
    client: httpx.AsyncClient, make_token: TokenFactory
) -> None:
    response = await client.post(ADMIN_PATH, headers=_bearer(make_token(sub="ana")))
    assert response.status_code == 200
    assert response.json() == {"sub": "ana"}


def _expired(make_token: TokenFactory) -> str:
    past = datetime.now(UTC) - timedelta(hours=1)
    return make_token(iat=past - timedelta(minutes=5), exp=past)


def _alg_none(make_token: TokenFactory) -> str:
    return make_token(key=None, algorithm="none")


def _alg_none_with_signature_stripped(make_token: TokenFactory) -> str:
    # A valid token whose header is rewritten to `none` and signature dropped.
    _, payload, _ = make_token().split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{forged.decode().rstrip('=')}.{payload}."


def _hs512(make_token: TokenFactory) -> str:
    # The right key, but an algorithm outside the allow-list.
    return make_token(key=JWT_SECRET + JWT_SECRET, algorithm="HS512")


BAD_TOKENS = {
    "garbage": lambda make: "not-a-jwt",
    "three-garbage-segments": lambda make: "a.b.c",
    "expired": _expired,
    "alg-none": _alg_none,
    "alg-none-forged-header": _alg_none_with_signature_stripped,
    "wrong-audience": lambda make: make(aud="someone-else"),
    "wrong-issuer": lambda make: make(iss="https://evil.test/"),
    "another-key": lambda make: make(key=OTHER_JWT_SECRET),
    "no-exp": lambda make: make(drop=("exp",)),
    "no-aud": lambda make: make(drop=("aud",)),
    "not-yet-valid": lambda make: make(nbf=datetime.now(UTC) + timedelta(hours=1)),
    # Beyond the default leeway (5 s), well within the 30 s it once was (issue 11, point 11).
    "expired-10-seconds-ago": lambda make: make(exp=datetime.now(UTC) - timedelta(seconds=10)),
    "valid-in-10-seconds": lambda make: make(nbf=datetime.now(UTC) + timedelta(seconds=10)),
    "hs512": _hs512,
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_admin_with_a_bad_token_is_401_and_never_echoes_it(
    client: httpx.AsyncClient, make_token: TokenFactory, case: str
) -> None:
    token = BAD_TOKENS[case](make_token)
    response = await client.post(ADMIN_PATH, headers=_bearer(token))
    body = _assert_problem(response, 401, token)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert "token" in body["detail"]


async def test_admin_with_an_expired_token_within_the_leeway_passes(
    client: httpx.AsyncClient, make_token: TokenFactory
) -> None:
    token = make_token(exp=datetime.now(UTC) - timedelta(seconds=2))
    response = await client.post(ADMIN_PATH, headers=_bearer(token))
    assert response.status_code == 200


@pytest.mark.parametrize("leeway", ["-1", "31", "300"])
def test_a_leeway_beyond_a_few_seconds_is_refused_by_name(
    environ: dict[str, str], leeway: str
) -> None:
    with pytest.raises(ConfigurationError, match="JWT_LEEWAY_SECONDS"):
        load_settings({**environ, "JWT_LEEWAY_SECONDS": leeway})


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "bearer"]
)
async def test_admin_with_another_scheme_is_401(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.post(ADMIN_PATH, headers={"Authorization": authorization})
    _assert_problem(response, 401, "dXNlcjpwYXNz")


@pytest.mark.parametrize(
    "claims",
    [{"role": "user"}, {"role": ["user", "viewer"]}, {"role": None}, {"role": "administrator"}],
)
async def test_admin_with_a_valid_token_without_the_admin_claim_is_403(
    client: httpx.AsyncClient, make_token: TokenFactory, claims: dict[str, Any]
) -> None:
    token = make_token(**claims)
    _assert_problem(await client.post(ADMIN_PATH, headers=_bearer(token)), 403, token)


@pytest.mark.parametrize(
    ("spec", "claims", "granted"),
    [
        ("role=admin", {"role": ["viewer", "admin"]}, True),
        ("scope=bestshot:admin", {"scope": "read bestshot:admin"}, True),
        ("admin", {"admin": True}, True),
        ("admin", {"admin": "true"}, False),
        ("realm_access.roles=admin", {"realm_access": {"roles": ["admin"]}}, True),
        ("realm_access.roles=admin", {"realm_access": {"roles": ["user"]}}, False),
        ("https://bestshot.test/roles=admin", {"https://bestshot.test/roles": ["admin"]}, True),
    ],
)
async def test_the_admin_claim_is_configurable(
    environ: dict[str, str],
    make_token: TokenFactory,
    spec: str,
    claims: dict[str, Any],
    granted: bool,
) -> None:
    settings = load_settings({**environ, "JWT_ADMIN_CLAIM": spec})
    async with client_of(settings, extra_operations=_guarded_operations()) as client:
        response = await client.post(
            ADMIN_PATH, headers=_bearer(make_token(drop=("role",), **claims))
        )
    assert response.status_code == (200 if granted else 403)


async def test_an_internal_token_is_no_admin_credential(client: httpx.AsyncClient) -> None:
    response = await client.post(ADMIN_PATH, headers={"X-Internal-Token": INTERNAL_TOKENS[0]})
    _assert_problem(response, 401, INTERNAL_TOKENS[0])


# RS256 with keys from a JWKS document (the client is pyjwt's, fed from a local JWKS here; the
# HTTP fetch itself is exercised over loopback in the integration tests).


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


class _StaticJwks(jwt.PyJWKClient):
    """pyjwt's JWKS client with the document handed over instead of fetched."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__("http://127.0.0.1:9/unused", cache_jwk_set=False)
        self._document = document

    def fetch_data(self) -> Any:
        return self._document


@pytest.fixture
def rs256_client_factory(environ: dict[str, str], rsa_key: rsa.RSAPrivateKey) -> Any:
    def build() -> Any:
        env = {k: v for k, v in environ.items() if k != "JWT_SECRET"}
        env["JWT_JWKS_URL"] = "https://keys.test/.well-known/jwks.json"
        settings = load_settings(env)
        jwks = _StaticJwks({"keys": [_jwk(rsa_key, "k1")]})
        return client_of(
            settings,
            authenticator=Authenticator(settings, jwks_client=jwks),
            extra_operations=_guarded_operations(),
        )

    return build


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


async def test_rs256_token_from_the_jwks_key_passes(
    rs256_client_factory: Any, make_token: TokenFactory, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = make_token(key=_pem(rsa_key), algorithm="RS256", headers={"kid": "k1"})
    async with rs256_client_factory() as client:
        assert (await client.post(ADMIN_PATH, headers=_bearer(token))).status_code == 200


async def test_rs256_token_signed_by_another_key_is_401(
    rs256_client_factory: Any, make_token: TokenFactory, other_rsa_key: rsa.RSAPrivateKey
) -> None:
    token = make_token(key=_pem(other_rsa_key), algorithm="RS256", headers={"kid": "k1"})
    async with rs256_client_factory() as client:
        _assert_problem(await client.post(ADMIN_PATH, headers=_bearer(token)), 401, token)


async def test_rs256_token_naming_an_unknown_key_is_401(
    rs256_client_factory: Any, make_token: TokenFactory, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = make_token(key=_pem(rsa_key), algorithm="RS256", headers={"kid": "k9"})
    async with rs256_client_factory() as client:
        _assert_problem(await client.post(ADMIN_PATH, headers=_bearer(token)), 401, token)


async def test_hs256_signed_with_the_public_key_is_refused_when_only_jwks_is_configured(
    rs256_client_factory: Any, make_token: TokenFactory, rsa_key: rsa.RSAPrivateKey
) -> None:
    # The classic algorithm-confusion forgery: HMAC keyed with the (public) RSA key.
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT","kid":"k1"}').rstrip(b"=")
    payload_token = make_token(key="x" * 32)
    payload = payload_token.split(".")[1].encode()
    signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, header + b"." + payload, hashlib.sha256).digest()
    ).rstrip(b"=")
    token = (header + b"." + payload + b"." + signature).decode()
    async with rs256_client_factory() as client:
        _assert_problem(await client.post(ADMIN_PATH, headers=_bearer(token)), 401, token)


# Internal: X-Internal-Token.


async def test_internal_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    missing = await client.patch(INTERNAL_PATH)
    _assert_problem(missing, 401)
    assert missing.headers["www-authenticate"].startswith("X-Internal-Token")
    _assert_problem(await client.patch(INTERNAL_PATH, headers={"X-Internal-Token": ""}), 401)


@pytest.mark.parametrize(
    "token",
    [
        "wrong",
        INTERNAL_TOKENS[0][:-1],
        INTERNAL_TOKENS[0] + "x",
        INTERNAL_TOKENS[0].upper(),
        ",".join(INTERNAL_TOKENS),
        " " + INTERNAL_TOKENS[0] + "-",
    ],
)
async def test_internal_with_a_wrong_token_is_403_and_never_echoes_it(
    client: httpx.AsyncClient, token: str
) -> None:
    response = await client.patch(INTERNAL_PATH, headers={"X-Internal-Token": token})
    _assert_problem(response, 403, token.strip())


@pytest.mark.parametrize("token", INTERNAL_TOKENS)
async def test_internal_accepts_every_token_of_a_rotation(
    client: httpx.AsyncClient, token: str
) -> None:
    response = await client.patch(INTERNAL_PATH, headers={"X-Internal-Token": token})
    assert response.status_code == 200


async def test_an_admin_jwt_is_no_internal_credential(
    client: httpx.AsyncClient, make_token: TokenFactory
) -> None:
    token = make_token()
    response = await client.patch(INTERNAL_PATH, headers=_bearer(token))
    _assert_problem(response, 401, token)
    response = await client.patch(INTERNAL_PATH, headers={"X-Internal-Token": token})
    _assert_problem(response, 403, token)
