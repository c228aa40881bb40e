"""The Lambda's internal token for each environment, and its configured API.

In production the token lives in Secrets Manager (`INTERNAL_TOKEN_SECRET_ARN`), read through the
Parameters and Secrets extension (`adapters.secrets_extension`) on the container's first
invocation and kept for the container's life; read again once when the API refuses it (a
rotation that moved on). Without the ARN, `INTERNAL_SERVICE_TOKEN` (local runs, the demo).
Of a comma-separated list (a rotation in progress) the first token is sent; the API accepts each
of its own list. infra/README.md has the rotation runbook.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.secrets_extension import read_secret
from adapters.stdlib_http import StdlibClient
from bestshot_domain.errors import BestshotError
from bestshot_routes import Origin, RefusedTarget
from bestshot_routes.redaction import ordered_secrets

SECRET_VARIABLE = "INTERNAL_TOKEN_SECRET_ARN"  # noqa: S105 - a variable's name
DOMAIN_VARIABLES = {"production": "API_DOMAIN", "demo": "API_DOMAIN_DEMO"}
TOKEN_VARIABLES = {"production": "INTERNAL_SERVICE_TOKEN", "demo": "INTERNAL_SERVICE_TOKEN_DEMO"}

# The secret's value per secret id, for the container's life (one read per cold start).
_from_secrets: dict[str, str] = {}


class HandlerMisconfigured(BestshotError):
    """The function's environment lacks a setting, or has one that cannot be right."""


def origin(environ: Mapping[str, str], environment: str) -> Origin:
    """The API configured for `environment`; https only in production."""
    variable = DOMAIN_VARIABLES[environment]
    value = environ.get(variable, "").strip()
    if not value:
        raise RefusedTarget(f"no API is configured for targetEnv {environment} ({variable})")
    schemes = ("https",) if environment == "production" else ("https", "http")
    try:
        parsed = Origin.parse(value if "://" in value else f"https://{value}")
    except ValueError:
        parsed = None
    if parsed is None or parsed.scheme not in schemes:
        raise HandlerMisconfigured(
            f"{variable} must be a host or an {' or '.join(schemes)} origin, got {value!r}"
        )
    return parsed


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _production_secret(environ: Mapping[str, str], client: StdlibClient, refresh: bool) -> str:
    secret_id = environ[SECRET_VARIABLE].strip()
    if refresh or secret_id not in _from_secrets:
        _from_secrets[secret_id] = read_secret(
            secret_id, environ=environ, client=client, refresh=refresh
        )
    return _from_secrets[secret_id]


def _listed(
    environ: Mapping[str, str], environment: str, client: StdlibClient | None, refresh: bool
) -> list[str]:
    if environment == "production" and environ.get(SECRET_VARIABLE, "").strip():
        if client is None:
            raise HandlerMisconfigured(f"{SECRET_VARIABLE} is set but no client reads it")
        return _split(_production_secret(environ, client, refresh))
    return _split(environ.get(TOKEN_VARIABLES[environment], ""))


def token(
    environ: Mapping[str, str],
    environment: str,
    client: StdlibClient | None = None,
    *,
    refresh: bool = False,
) -> str:
    """The token to send: the first of the environment's own list (the new one, during a
    rotation).

    A demo event never gets the production token: the demo API may be plain http, on a laptop,
    and its operator has no business holding the production credential.
    """
    tokens = _listed(environ, environment, client, refresh)
    if not tokens:
        if environment == "production" and environ.get(SECRET_VARIABLE, "").strip():
            raise HandlerMisconfigured(f"the secret {SECRET_VARIABLE} names is empty")
        variable = TOKEN_VARIABLES[environment]
        hint = " (demo events never get INTERNAL_SERVICE_TOKEN)" if environment == "demo" else ""
        raise HandlerMisconfigured(f"{variable} is not set{hint}")
    if environment == "demo":
        production = set(_split(environ.get("INTERNAL_SERVICE_TOKEN", "")))
        production.update(_split(",".join(_from_secrets.values())))
        if set(tokens) & production:
            raise HandlerMisconfigured(
                "INTERNAL_SERVICE_TOKEN_DEMO shares a token with the production token: "
                "the demo API must have a token of its own"
            )
    return tokens[0]


def known_secrets(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Every token this container knows, each of a rotation list too: what logs never show."""
    values = {environ.get(variable, "") for variable in TOKEN_VARIABLES.values()}
    values.update(_from_secrets.values())
    for value in list(values):
        values.update(_split(value))
    return ordered_secrets(values)


def forget_secrets() -> None:
    """Drop the cached secrets (a new container, in tests)."""
    _from_secrets.clear()
