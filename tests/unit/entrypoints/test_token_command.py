"""`bestshot token admin` prints a token the API accepts as admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from starlette.requests import Request

from bestshot_domain.errors import InvalidInput
from entrypoints.api.auth import Authenticator
from entrypoints.cli import main
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings

SECRET = "token-test-secret-0123456789abcdef0123456789"


def _request(token: str) -> Request:
    headers = [(b"authorization", f"Bearer {token}".encode())]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("NODE_ENV", "JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ADMIN_CLAIM"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


async def test_the_printed_token_is_accepted_as_admin(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("JWT_SECRET", SECRET)
    clean_env.setenv("JWT_AUDIENCE", "bestshot-api")
    clean_env.setenv("JWT_ISSUER", "https://issuer.test/")
    clean_env.setenv("JWT_ADMIN_CLAIM", "realm_access.roles=admin")
    assert main(["token", "admin", "--subject", "ops", "--ttl-minutes", "5"]) == 0
    token = capsys.readouterr().out.strip()
    claims = await Authenticator(load_settings()).check_admin(_request(token))
    assert claims["sub"] == "ops"
    assert claims["aud"] == "bestshot-api"
    lifetime = datetime.fromtimestamp(claims["exp"], UTC) - datetime.fromtimestamp(
        claims["iat"], UTC
    )
    assert lifetime == timedelta(minutes=5)


async def test_demo_with_nothing_set_signs_with_the_demo_key(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "admin"]) == 0
    token = capsys.readouterr().out.strip()
    claims = await Authenticator(load_settings({})).check_admin(_request(token))
    assert claims["role"] == "admin"


def test_production_refuses_without_force() -> None:
    settings = load_settings(
        {
            "NODE_ENV": "production",
            "API_DOMAIN": "https://api.example",
            "INTERNAL_SERVICE_TOKEN": "token-test-internal-0123456789abcdef",
            "JWT_SECRET": SECRET,
            "DATABASE_URL": "postgresql://db.internal/bestshot",
        }
    )
    with pytest.raises(InvalidInput, match="--force"):
        mint_admin_token(settings)
    token = mint_admin_token(settings, force=True)
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["role"] == "admin"


def test_with_only_a_jwks_url_there_is_nothing_to_sign_with() -> None:
    settings = load_settings({"JWT_JWKS_URL": "https://idp.example/jwks.json"})
    with pytest.raises(InvalidInput, match="JWT_SECRET"):
        mint_admin_token(settings)


@pytest.mark.parametrize("ttl", ["0", "abc", "1441"])
def test_a_bad_lifetime_is_a_usage_error(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ttl: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["token", "admin", "--ttl-minutes", ttl])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--ttl-minutes" in err


def test_production_misconfiguration_is_one_line_exit_2(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("NODE_ENV", "production")
    assert main(["token", "admin"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "INTERNAL_SERVICE_TOKEN" in err


def test_tokens_expire(clean_env: pytest.MonkeyPatch) -> None:
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    token = mint_admin_token(load_settings({}), now=long_ago)
    secret = load_settings({}).effective_jwt_secret()
    assert secret is not None
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, secret, algorithms=["HS256"])
