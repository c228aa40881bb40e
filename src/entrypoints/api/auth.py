"""Who may call what: admins with a Bearer JWT, the scheduler's caller with an internal token.

Admin tokens are verified with pyjwt against an allow-list of algorithms chosen by which keys are
configured (HS256 with `JWT_SECRET`, RS256 with the keys at `JWT_JWKS_URL`; never `none`), with
`exp` required, issuer and audience checked when configured, and a small leeway. The admin claim
is configurable (`JWT_ADMIN_CLAIM`).

Internal tokens are compared in constant time against every configured token, so one can be
rotated out while the new one is already accepted.

A route open to both (planning the day's schedules) judges the internal token when one is sent,
else the JWT. Missing credentials answer 401. A wrong internal token answers 403; a wrong,
expired or forged JWT answers 401 (the token proves nothing, so the caller is
unauthenticated), and a valid JWT without the admin claim answers 403. No answer ever repeats
what the client sent.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from typing import Any

import anyio.to_thread
import jwt
from starlette.requests import Request

from entrypoints.api.problems import ApiProblem
from entrypoints.settings import Settings, admin_claim

INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105 - a header name
HMAC_ALGORITHMS = ("HS256",)
JWKS_ALGORITHMS = ("RS256",)

Claims = Mapping[str, Any]


def _unauthorized(detail: str, *, invalid: bool) -> ApiProblem:
    challenge = 'Bearer realm="bestshot"'
    if invalid:
        challenge += ', error="invalid_token"'
    return ApiProblem(401, detail, kind="unauthorized", headers={"WWW-Authenticate": challenge})


# Fixed words per failure: pyjwt's messages are safe today, but a detail built here cannot leak
# a token tomorrow.
_JWT_FAILURES: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token is meant for another audience"),
    (jwt.InvalidIssuerError, "the token comes from another issuer"),
    (jwt.InvalidAlgorithmError, "the token's signing algorithm is not allowed"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
    (jwt.MissingRequiredClaimError, "the token lacks a required claim"),
)


def _jwt_failure(error: jwt.PyJWTError) -> ApiProblem:
    if isinstance(error, jwt.MissingRequiredClaimError):
        return _unauthorized(f"the token lacks the required {error.claim!r} claim", invalid=True)
    for kind, detail in _JWT_FAILURES:
        if isinstance(error, kind):
            return _unauthorized(detail, invalid=True)
    return _unauthorized("the token is malformed", invalid=True)


def _claim_grants_admin(claims: Claims, name: str, expected: str | None) -> bool:
    value: Any = claims.get(name)
    if name not in claims and "." in name:
        # Nested claims (`realm_access.roles`), unless a claim is literally named so (URLs).
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if expected is None:
        return value is True
    if isinstance(value, str):
        return value == expected or expected in value.split()  # one role, or OAuth scopes
    if isinstance(value, list):
        return expected in value
    return False


class Authenticator:
    def __init__(self, settings: Settings, jwks_client: jwt.PyJWKClient | None = None) -> None:
        self._hmac_key = settings.effective_jwt_secret()
        auth = settings.auth
        self._issuer = auth.jwt_issuer
        self._audience = auth.jwt_audience
        self._leeway = auth.jwt_leeway_seconds
        self._admin_claim = admin_claim(auth.jwt_admin_claim)
        self._internal_tokens = tuple(t.encode() for t in settings.internal_tokens())
        self._jwks = jwks_client
        if self._jwks is None and auth.jwt_jwks_url is not None:
            self._jwks = jwt.PyJWKClient(auth.jwt_jwks_url, cache_keys=True, timeout=5)

    @property
    def algorithms(self) -> Sequence[str]:
        allowed: list[str] = []
        if self._hmac_key is not None:
            allowed.extend(HMAC_ALGORITHMS)
        if self._jwks is not None:
            allowed.extend(JWKS_ALGORITHMS)
        return allowed

    def presents_internal(self, request: Request) -> bool:
        """Whether the request offers an internal token (for routes that take either kind)."""
        return INTERNAL_TOKEN_HEADER in request.headers

    def check_internal(self, request: Request) -> None:
        presented = request.headers.get(INTERNAL_TOKEN_HEADER)
        if not presented:
            raise ApiProblem(
                401,
                f"the {INTERNAL_TOKEN_HEADER} header is missing",
                kind="unauthorized",
                # 401 must carry a challenge (RFC 9110); this one names the header to send.
                headers={"WWW-Authenticate": f'{INTERNAL_TOKEN_HEADER} realm="bestshot"'},
            )
        candidate = presented.encode()
        # Compare against every token, without stopping early, so timing says nothing of which.
        matches = [hmac.compare_digest(candidate, token) for token in self._internal_tokens]
        if not any(matches):
            raise ApiProblem(403, f"the {INTERNAL_TOKEN_HEADER} is not accepted", kind="forbidden")

    async def check_admin(self, request: Request) -> Claims:
        header = request.headers.get("Authorization")
        if not header:
            raise _unauthorized("the Authorization header is missing", invalid=False)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("the Authorization header must be `Bearer <token>`", invalid=True)
        claims = await self._verify(token.strip())
        name, expected = self._admin_claim
        if not _claim_grants_admin(claims, name, expected):
            raise ApiProblem(403, "the token does not grant the admin role", kind="forbidden")
        return claims

    async def _verify(self, token: str) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise _jwt_failure(error) from None
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self.algorithms:
            raise _unauthorized("the token's signing algorithm is not allowed", invalid=True)
        key: Any
        if algorithm in HMAC_ALGORITHMS:
            key = self._hmac_key
        else:
            key = await self._jwks_key(header)
        required = ["exp"]
        if self._issuer is not None:
            required.append("iss")
        if self._audience is not None:
            required.append("aud")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": required, "verify_aud": self._audience is not None},
            )
        except jwt.PyJWTError as error:
            raise _jwt_failure(error) from None
        return claims

    async def _jwks_key(self, header: Mapping[str, Any]) -> Any:
        jwks = self._jwks
        if jwks is None:  # unreachable: RS256 is allowed only with a JWKS client
            raise _unauthorized("the token's signing algorithm is not allowed", invalid=True)
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _unauthorized("the token names no signing key (kid)", invalid=True)
        try:
            # pyjwt fetches with urllib, which blocks: keep it off the event loop.
            await anyio.to_thread.run_sync(jwks.get_signing_keys)
        except jwt.PyJWTError:
            raise ApiProblem(
                503,
                "the signing keys for admin tokens cannot be fetched; try again shortly",
                kind="keys-unavailable",
                headers={"Retry-After": "5"},
            ) from None
        try:
            signing_key = await anyio.to_thread.run_sync(jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError:
            raise ApiProblem(
                503,
                "the signing keys for admin tokens cannot be fetched; try again shortly",
                kind="keys-unavailable",
                headers={"Retry-After": "5"},
            ) from None
        except jwt.PyJWTError:
            raise _unauthorized("the token is signed with an unknown key", invalid=True) from None
        return signing_key.key
