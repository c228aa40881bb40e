"""Who may call: the internal token of the schedules and the admins' JWTs.

In demo (NODE_ENV=demo) an unset secret falls back to a documented local value; those values
are public, so production refuses them (and `bestshot serve` on an address other machines
reach). Whether a secret falls back is the caller's `production` flag: the mode is the
service's setting, not this concern's.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from entrypoints.settings.concern import Concern

# Documented local defaults for demo mode. They are in the README and in this repository, so they
# protect nothing: production refuses them.
DEMO_JWT_SECRET = "bestshot-demo-jwt-secret-for-local-use-only-never-in-production"  # noqa: S105
DEMO_INTERNAL_SERVICE_TOKEN = "bestshot-demo-internal-token-for-local-use-only"  # noqa: S105

MIN_SECRET_LENGTH = 32  # 256 bits of HS256 key, and the floor for internal tokens
# Length alone lets `a` x 32 or 32 spaces through; a secret drawn from so few symbols is a
# placeholder or a typo, not a key. Whitespace is not counted: it is what a blank value is made of.
MIN_SECRET_DISTINCT = 10


class AuthSettings(Concern):
    internal_service_token: SecretStr | None = Field(
        default=None, description="One token, or several comma-separated during a rotation."
    )
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_admin_claim: str = Field(
        default="role=admin",
        description="`name=value` (the claim equals value or is a list holding it) or `name` "
        "(the claim is true). A dotted name walks nested claims when no claim has that name.",
    )
    jwt_leeway_seconds: int = Field(
        default=5,
        ge=0,
        le=30,
        description="Clock skew allowed on `exp`/`nbf`: synchronized clocks differ by far less; "
        "more would keep an expired admin token working.",
    )

    @field_validator("internal_service_token")
    @classmethod
    def _some_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _tokens(value):
            raise ValueError("is set but holds no token")
        return value

    @field_validator("jwt_admin_claim")
    @classmethod
    def _claim(cls, value: str) -> str:
        admin_claim(value)
        return value

    def effective_jwt_secret(self, *, production: bool) -> str | None:
        """The HS256 key: the configured one, or in demo (with no JWKS either) the demo key."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if not production and self.jwt_jwks_url is None:
            return DEMO_JWT_SECRET
        return None

    def internal_tokens(self, *, production: bool) -> tuple[str, ...]:
        """Every accepted internal token (several while one is being rotated out)."""
        if self.internal_service_token is None:
            return () if production else (DEMO_INTERNAL_SERVICE_TOKEN,)
        return _tokens(self.internal_service_token)

    def public_demo_secrets(self, *, production: bool) -> list[str]:
        """The variables whose secret in force is a public demo value (in demo mode, unset)."""
        names = []
        if DEMO_INTERNAL_SERVICE_TOKEN in self.internal_tokens(production=production):
            names.append("INTERNAL_SERVICE_TOKEN")
        if self.effective_jwt_secret(production=production) == DEMO_JWT_SECRET:
            names.append("JWT_SECRET")
        return names

    def production_problems(self) -> list[str]:
        problems: list[str] = []
        tokens = self.internal_tokens(production=True)
        if not tokens:
            problems.append("INTERNAL_SERVICE_TOKEN is missing")
        elif DEMO_INTERNAL_SERVICE_TOKEN in tokens:
            problems.append("INTERNAL_SERVICE_TOKEN holds the public demo token")
        elif weakness := next(filter(None, map(secret_weakness, tokens)), None):
            problems.append(f"INTERNAL_SERVICE_TOKEN holds a token that {weakness}")
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            problems.append("JWT_SECRET or JWT_JWKS_URL is missing")
        if self.jwt_secret is not None:
            secret = self.jwt_secret.get_secret_value()
            if secret == DEMO_JWT_SECRET:
                problems.append("JWT_SECRET is the public demo secret")
            elif weakness := secret_weakness(secret):
                problems.append(f"JWT_SECRET {weakness}")
        if self.jwt_jwks_url is not None:
            if not self.jwt_jwks_url.startswith("https://"):
                problems.append("JWT_JWKS_URL must be an https:// URL")
            # An identity provider's keys sign tokens for every application it serves: without
            # an audience and an issuer to require, any of its tokens with the admin claim
            # (meant for another app, or from another tenant) would pass as ours.
            problems.extend(
                f"{name} is missing (required with JWT_JWKS_URL)"
                for name, value in (
                    ("JWT_AUDIENCE", self.jwt_audience),
                    ("JWT_ISSUER", self.jwt_issuer),
                )
                if not (value and value.strip())
            )
        return problems


def secret_weakness(secret: str) -> str | None:
    """Why `secret` is too weak to guard production (None: strong enough), in words that
    never quote it: "is shorter than 32 characters", to follow the variable's name."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if len({char for char in secret if not char.isspace()}) < MIN_SECRET_DISTINCT:
        return f"has fewer than {MIN_SECRET_DISTINCT} distinct characters (whitespace aside)"
    return None


def admin_claim(spec: str) -> tuple[str, str | None]:
    """`role=admin` -> ("role", "admin"); `admin` -> ("admin", None), meaning "is true"."""
    name, equals, value = spec.strip().rpartition("=")
    if not equals:
        name, value = value, ""
    if not name:
        raise ValueError("must be `name` or `name=value`")
    return name, (value if equals else None)


def _tokens(value: SecretStr) -> tuple[str, ...]:
    return tuple(token.strip() for token in value.get_secret_value().split(",") if token.strip())
