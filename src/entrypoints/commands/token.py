"""`bestshot token admin`: print an admin JWT for local use.

Signed with the settings' HS256 key, with the issuer, audience and admin claim the API expects.
Production refuses it without `--force`: admin tokens there come from the identity provider,
and one minted from the shared secret is a break-glass tool.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from bestshot_domain.errors import InvalidInput
from entrypoints.commands import HELP
from entrypoints.settings import Settings, admin_claim, load_settings

MAX_TTL_MINUTES = 24 * 60


def admin_claims(
    settings: Settings, *, subject: str, ttl: timedelta, now: datetime
) -> dict[str, Any]:
    auth = settings.auth
    name, expected = admin_claim(auth.jwt_admin_claim)
    claims: dict[str, Any] = {
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        name: True if expected is None else expected,
    }
    if auth.jwt_issuer is not None:
        claims["iss"] = auth.jwt_issuer
    if auth.jwt_audience is not None:
        claims["aud"] = auth.jwt_audience
    return claims


def mint_admin_token(
    settings: Settings,
    *,
    subject: str = "local-admin",
    ttl: timedelta = timedelta(hours=1),
    now: datetime | None = None,
    force: bool = False,
) -> str:
    if settings.is_production and not force:
        raise InvalidInput(
            "refusing to mint an admin token in production without --force; "
            "use a token from your identity provider"
        )
    key = settings.effective_jwt_secret()
    if key is None:
        raise InvalidInput("JWT_SECRET is not set, so there is no key to sign a token with")
    claims = admin_claims(settings, subject=subject, ttl=ttl, now=now or datetime.now(UTC))
    return jwt.encode(claims, key, algorithm="HS256")


def _ttl(value: str) -> timedelta:
    try:
        minutes = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {value!r}") from None
    if not 1 <= minutes <= MAX_TTL_MINUTES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_TTL_MINUTES} minutes")
    return timedelta(minutes=minutes)


def _handle(args: argparse.Namespace) -> int:
    token = mint_admin_token(
        load_settings(), subject=args.subject, ttl=args.ttl_minutes, force=args.force
    )
    sys.stdout.write(token + "\n")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "token",
        help=HELP["token"],
        description="Print credentials for local use.",
    )
    kinds = parser.add_subparsers(
        title="kinds", dest="kind", metavar="KIND", parser_class=type(parser)
    )
    kinds.required = True
    admin = kinds.add_parser(
        "admin",
        help="an admin JWT (Authorization: Bearer ...)",
        description="Print an admin JWT signed with JWT_SECRET (in demo: the documented demo "
        "key). Refused in production unless --force.",
    )
    admin.add_argument("--subject", default="local-admin", help="the `sub` claim")
    admin.add_argument(
        "--ttl-minutes",
        type=_ttl,
        default=timedelta(hours=1),
        metavar="N",
        help=f"lifetime in minutes (1..{MAX_TTL_MINUTES}; default 60)",
    )
    admin.add_argument(
        "--force", action="store_true", help="mint one even in production (break glass)"
    )
    admin.set_defaults(handler=_handle)
