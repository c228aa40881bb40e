"""Every setting of the service, read once from the environment.

`load_settings()` gives one `Settings`: the service's own variables (below in the class, named
after the environment variables, case-insensitive, with the original system's names where it had
them: `NODE_ENV`, `API_DOMAIN`, `INTERNAL_SERVICE_TOKEN`), and, from the same environment, the
database's (`Settings.database()`, the table below) and the result providers' (`Settings.sources()`,
see `entrypoints.sources_config`). Only entrypoints read settings; they hand plain values to the
adapters and the domain.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | (unset) | a PostgreSQL URL; unset: the embedded server |
| BESTSHOT_DATA_DIR | `.bestshot` | where the embedded server keeps its data (`<dir>/pgdata`) |
| BESTSHOT_DB_POOL_MIN / BESTSHOT_DB_POOL_MAX | 1 / 10 | connections kept / allowed |
| BESTSHOT_DB_STATEMENT_TIMEOUT | 15 | seconds the server lets one statement run (0: no limit) |
| BESTSHOT_DB_COMMAND_TIMEOUT | 20 | seconds the client waits for an answer |
| BESTSHOT_DB_ACQUIRE_TIMEOUT | 10 | seconds a request waits for a free connection |
| BESTSHOT_DB_CONNECT_TIMEOUT | 10 | seconds to open a connection |

`DatabaseSettings.from_env` reads only those, for commands that need nothing else (`bestshot db
migrate`). The demo source's match window is `SCHEDULE_MATCH_WINDOW_MINUTES`, the same as the
schedules', so that a demo schedule fires when the demo's results exist.

`NODE_ENV=demo` (the default) runs with nothing set: the secrets fall back to the documented local
values below, which are public and therefore refused in production. `NODE_ENV=production` refuses
to start with a missing secret, a demo secret or a short internal token; the error lists what is
wrong and never a value.
"""

from __future__ import annotations

import enum
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from attrs import frozen
from pydantic import Field, PrivateAttr, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.postgres.pool import PoolConfig
from adapters.sources.config import SourcesConfig
from bestshot_domain.errors import InvalidInput
from entrypoints.sources_config import sources_config_from_env

# Documented local defaults for demo mode. They are in the README and in this repository, so they
# protect nothing: production refuses them.
DEMO_JWT_SECRET = "bestshot-demo-jwt-secret-for-local-use-only-never-in-production"  # noqa: S105
DEMO_INTERNAL_SERVICE_TOKEN = "bestshot-demo-internal-token-for-local-use-only"  # noqa: S105
DEMO_API_DOMAIN = "http://127.0.0.1:8000"

MIN_SECRET_LENGTH = 32  # 256 bits of HS256 key, and the floor for internal tokens


class ConfigurationError(InvalidInput):
    """The environment does not describe a service that may start. The message names variables
    and what is wrong with them, never their values."""


class NodeEnv(enum.StrEnum):
    DEMO = "demo"
    PRODUCTION = "production"


class SchedulerKind(enum.StrEnum):
    LOCAL = "local"  # schedules in PostgreSQL, fired by the in-process worker
    EVENTBRIDGE = "eventbridge"  # AWS EventBridge Scheduler firing the caller Lambda


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    # The service.
    node_env: NodeEnv = NodeEnv.DEMO
    api_domain: str = Field(
        default=DEMO_API_DOMAIN,
        description="The API's public base URL; schedules call back here.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    public_cache_max_age: int = Field(
        default=15, ge=0, le=86_400, description="Cache-Control max-age of the public reads."
    )
    read_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="How long this process reuses a public read's body (0: never); at most "
        "PUBLIC_CACHE_MAX_AGE.",
    )

    # Authentication.
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
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)

    # Storage.
    database_url: SecretStr | None = Field(
        default=None, description="Unset: an embedded PostgreSQL in BESTSHOT_DATA_DIR/pgdata."
    )

    # Errors.
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # Scheduling.
    scheduler_kind: SchedulerKind = SchedulerKind.LOCAL
    schedule_match_window_minutes: int = Field(default=150, ge=1, le=24 * 60)
    schedule_test_delay_seconds: int | None = Field(
        default=None, ge=0, description="Set: fire every schedule this long after planning."
    )
    schedule_name_prefix: str = Field(default="", pattern=r"^[0-9a-z_.-]{0,16}$")
    schedule_expression: Literal["at", "cron"] = "at"
    eventbridge_group: str = "scores-and-standings-routine"
    eventbridge_lambda_arn: str | None = None
    eventbridge_role_arn: str | None = None
    eventbridge_dlq_arn: str | None = None
    eventbridge_endpoint_url: str | None = Field(
        default=None, description="An emulator's URL (moto in tests); unset: AWS itself."
    )
    aws_region: str | None = Field(default=None, description="Unset: the usual AWS chain.")
    # The local scheduler's worker (SCHEDULER_KIND=local).
    worker_enabled: bool = Field(
        default=True, description="Run the local scheduler's worker inside `bestshot serve`."
    )
    worker_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    worker_max_attempts: int = Field(default=5, ge=1, le=100)
    worker_follow_up_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description="When a fired round still has matches under way, look again this much later.",
    )
    worker_max_follow_ups: int = Field(default=4, ge=0, le=48)

    # Result providers (the rest of their settings: `entrypoints.sources_config`).
    football_data_token: SecretStr | None = None

    # The whole environment these settings were read from, for the parts read by their own
    # modules (the database's, the providers').
    _environ: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.node_env is NodeEnv.PRODUCTION

    def database(self) -> DatabaseSettings:
        """Where the data lives and how the pool behaves (InvalidInput naming a bad variable)."""
        return DatabaseSettings.from_env(self._environ)

    def sources(self) -> SourcesConfig:
        """The result providers' settings (InvalidInput naming a bad variable).

        The demo source's match window is SCHEDULE_MATCH_WINDOW_MINUTES, read from the same
        environment, so a demo schedule fires once the demo's results exist.
        """
        return sources_config_from_env(self._environ)

    def effective_jwt_secret(self) -> str | None:
        """The HS256 key: the configured one, or in demo (with no JWKS either) the demo key."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if not self.is_production and self.jwt_jwks_url is None:
            return DEMO_JWT_SECRET
        return None

    def internal_tokens(self) -> tuple[str, ...]:
        """Every accepted internal token (several while one is being rotated out)."""
        if self.internal_service_token is None:
            return () if self.is_production else (DEMO_INTERNAL_SERVICE_TOKEN,)
        raw = self.internal_service_token.get_secret_value()
        return tuple(token.strip() for token in raw.split(",") if token.strip())

    def secret_values(self) -> tuple[str, ...]:
        """Every secret in force, for scrubbers that must never let one out."""
        values: list[str] = [*self.internal_tokens()]
        if (jwt_secret := self.effective_jwt_secret()) is not None:
            values.append(jwt_secret)
        for secret in (self.football_data_token, self.sentry_dsn):
            if secret is not None and secret.get_secret_value():
                values.append(secret.get_secret_value())
        if self.database_url is not None and (password := _url_password(self.database_url)):
            values.append(password)
        # Short strings would scrub ordinary words out of every event; none of ours are short.
        return tuple(v for v in values if len(v) >= 8)

    def production_problems(self) -> list[str]:
        """What keeps this configuration from running in production (empty: nothing)."""
        problems: list[str] = []
        tokens = self.internal_tokens()
        if not tokens:
            problems.append("INTERNAL_SERVICE_TOKEN is missing")
        elif DEMO_INTERNAL_SERVICE_TOKEN in tokens:
            problems.append("INTERNAL_SERVICE_TOKEN holds the public demo token")
        elif any(len(token) < MIN_SECRET_LENGTH for token in tokens):
            problems.append(
                f"INTERNAL_SERVICE_TOKEN holds a token shorter than {MIN_SECRET_LENGTH} characters"
            )
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            problems.append("JWT_SECRET or JWT_JWKS_URL is missing")
        if self.jwt_secret is not None:
            secret = self.jwt_secret.get_secret_value()
            if secret == DEMO_JWT_SECRET:
                problems.append("JWT_SECRET is the public demo secret")
            elif len(secret) < MIN_SECRET_LENGTH:
                problems.append(f"JWT_SECRET is shorter than {MIN_SECRET_LENGTH} characters")
        if self.jwt_jwks_url is not None and not self.jwt_jwks_url.startswith("https://"):
            problems.append("JWT_JWKS_URL must be an https:// URL")
        if self.database_url is None:
            problems.append("DATABASE_URL is missing (the embedded PostgreSQL is for demo only)")
        if self.api_domain == DEMO_API_DOMAIN or not self.api_domain.startswith("https://"):
            problems.append("API_DOMAIN must be the service's public https:// URL")
        if self.scheduler_kind is SchedulerKind.EVENTBRIDGE:
            problems.extend(
                f"{name} is missing (SCHEDULER_KIND=eventbridge)"
                for name, value in (
                    ("EVENTBRIDGE_LAMBDA_ARN", self.eventbridge_lambda_arn),
                    ("EVENTBRIDGE_ROLE_ARN", self.eventbridge_role_arn),
                )
                if not value
            )
        return problems

    def other_problems(self) -> list[str]:
        """Inconsistencies refused in every environment."""
        problems: list[str] = []
        for part in (self.database, self.sources):
            try:
                part()
            except InvalidInput as error:
                problems.append(str(error))
        if self.internal_service_token is not None and not self.internal_tokens():
            problems.append("INTERNAL_SERVICE_TOKEN is set but holds no token")
        if self.read_cache_seconds > self.public_cache_max_age:
            problems.append("READ_CACHE_SECONDS is longer than PUBLIC_CACHE_MAX_AGE")
        try:
            admin_claim(self.jwt_admin_claim)
        except ValueError as error:
            problems.append(f"JWT_ADMIN_CLAIM {error}")
        return problems


def admin_claim(spec: str) -> tuple[str, str | None]:
    """`role=admin` -> ("role", "admin"); `admin` -> ("admin", None), meaning "is true"."""
    name, equals, value = spec.strip().rpartition("=")
    if not equals:
        name, value = value, ""
    if not name:
        raise ValueError("must be `name` or `name=value`")
    return name, (value if equals else None)


def _url_password(url: SecretStr) -> str | None:
    try:
        return urlsplit(url.get_secret_value()).password
    except ValueError:
        return None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and check the settings; ConfigurationError says what is wrong, never a value.

    `environ` replaces the process environment (tests); by default `os.environ` is read.
    """
    environ = dict(os.environ if environ is None else environ)
    try:
        settings = Settings.model_validate({key.lower(): value for key, value in environ.items()})
    except ValidationError as error:
        names = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        raise ConfigurationError(f"invalid settings: {names}") from None
    settings._environ = environ
    problems = settings.other_problems()
    if settings.is_production:
        problems = settings.production_problems() + problems
    if problems:
        mode = "in production" if settings.is_production else "with these settings"
        raise ConfigurationError(f"refusing to start {mode}: " + "; ".join(problems))
    return settings


# The database alone, for commands that need nothing else.

T = TypeVar("T", int, float)


def _number(env: Mapping[str, str], name: str, default: T, kind: Callable[[str], T]) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {raw!r}") from None
    if value < 0 or (isinstance(value, float) and not math.isfinite(value)):
        raise InvalidInput(f"{name} must be a non-negative number, got {raw!r}")
    return value


@frozen
class DatabaseSettings:
    url: str | None  # None: the embedded server
    data_dir: Path
    pool: PoolConfig

    @property
    def embedded_data_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DatabaseSettings:
        """Settings from `env` (usually `os.environ`); InvalidInput names a bad variable."""
        url = env.get("DATABASE_URL", "").strip() or None
        if url is not None and not url.startswith(("postgresql://", "postgres://")):
            # Never echo the value: it may carry a password.
            raise InvalidInput("DATABASE_URL must be a postgresql:// URL")
        pool_defaults = PoolConfig()
        try:
            pool = PoolConfig(
                min_size=_number(env, "BESTSHOT_DB_POOL_MIN", pool_defaults.min_size, int),
                max_size=_number(env, "BESTSHOT_DB_POOL_MAX", pool_defaults.max_size, int),
                statement_timeout=_number(
                    env, "BESTSHOT_DB_STATEMENT_TIMEOUT", pool_defaults.statement_timeout, float
                ),
                command_timeout=_number(
                    env, "BESTSHOT_DB_COMMAND_TIMEOUT", pool_defaults.command_timeout, float
                ),
                acquire_timeout=_number(
                    env, "BESTSHOT_DB_ACQUIRE_TIMEOUT", pool_defaults.acquire_timeout, float
                ),
                connect_timeout=_number(
                    env, "BESTSHOT_DB_CONNECT_TIMEOUT", pool_defaults.connect_timeout, float
                ),
            )
        except InvalidInput as error:
            raise InvalidInput(f"database pool settings: {error}") from None
        data_dir = Path(env.get("BESTSHOT_DATA_DIR", "").strip() or ".bestshot")
        return cls(url=url, data_dir=data_dir, pool=pool)
