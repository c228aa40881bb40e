"""Every setting, read once from the environment, by pydantic-settings, into one `Settings`.

Each field is an environment variable of the same name in capitals (case-insensitive), with
the original system's names where it had them (`NODE_ENV`, `API_DOMAIN`,
`INTERNAL_SERVICE_TOKEN`); the README's configuration table lists them all. An empty variable
counts as unset. A value that cannot be right stops the command with one line naming the
variables, never their values (`ConfigurationError`, exit 2):

- `read_settings()` parses and checks every variable for itself: what a command that does not
  serve needs (`bestshot db migrate`, `bestshot source fetch`);
- `load_settings()` adds what a service needs to start: in production, no missing secret, no
  demo secret, no short internal token.

Only entrypoints read settings; they hand plain values to the adapters and the domain:
`Settings.database()` (where the data lives, how the pool behaves) and `Settings.sources()`
(the result providers). The demo source's match window is `SCHEDULE_MATCH_WINDOW_MINUTES`, the
same as the schedules', so that a demo schedule fires when the demo's results exist.

`NODE_ENV=demo` (the default) runs with nothing set: the secrets fall back to the documented local
values below, which are public and therefore refused in production (and by `bestshot serve` on
an address other machines reach).

Two variables are read elsewhere, on purpose: `BESTSHOT_DEBUG` by the command line itself (it
says how to report an error, settings errors included, so it cannot depend on them), and the
Lambda's own few (`entrypoints.lambda_handler`), which must not import pydantic on a cold start.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from attrs import frozen
from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from adapters.caller import CallerConfig
from adapters.postgres.pool import PoolConfig
from adapters.sources import espn, fbref, football_data, sofascore
from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.http import Origin
from adapters.sources.openfootball import OpenfootballAccess, parse_origin
from adapters.sources.policy import HttpPolicy, RateLimit
from bestshot_domain.errors import InvalidInput
from bestshot_domain.scheduling import check_prefix, check_test_delay

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


def _rate_limit(value: object) -> object:
    """`10/60` (requests / seconds) as a RateLimit."""
    if not isinstance(value, str):
        return value
    try:
        requests, per = value.split("/")
        return RateLimit(int(requests), float(per))
    except ValueError:
        raise ValueError("must be REQUESTS/SECONDS such as 10/60") from None


def _base_url(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if not value.startswith(("http://", "https://")) or not urlsplit(value).hostname:
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")
    return value


def _origins(value: object) -> object:
    """`raw.githubusercontent.com,http://mirror.lan:8080` as origins."""
    if isinstance(value, str):
        return tuple(parse_origin(part) for part in value.split(",") if part.strip())
    return value


RateLimitSetting = Annotated[RateLimit, BeforeValidator(_rate_limit)]
BaseUrl = Annotated[str, BeforeValidator(_base_url)]
Origins = Annotated[tuple[Origin, ...], NoDecode, BeforeValidator(_origins)]

_POOL = PoolConfig()
_HTTP = HttpPolicy()
_CALLER = CallerConfig()  # what the local scheduler's caller uses, and the Lambda's default
_SOURCES = SourcesConfig()

# Where `read_settings` reads from: the process environment, or a mapping handed in.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("bestshot_environ", default=None)


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source, over `_ENVIRON` when a mapping was handed in
    (tests, `bestshot demo`) rather than `os.environ`."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        given = _ENVIRON.get()
        if given is None:
            return super()._load_env_vars()
        # As the source does for os.environ: names folded (case-insensitive), empty means unset.
        return {key.lower(): value for key, value in given.items() if value != ""}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
        allow_inf_nan=False,
        arbitrary_types_allowed=True,  # RateLimit and Origin, the adapters' own values
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment only: no .env file, no secrets folder read behind the operator's back.
        return init_settings, _Environment(settings_cls)

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
    bestshot_data_dir: Path = Field(
        default=Path(".bestshot"), description="Where the embedded server keeps its data."
    )
    bestshot_db_pool_min: int = Field(default=_POOL.min_size, ge=0)
    bestshot_db_pool_max: int = Field(default=_POOL.max_size, ge=1)
    bestshot_db_statement_timeout: float = Field(
        default=_POOL.statement_timeout, ge=0, description="Seconds; 0: no limit."
    )
    bestshot_db_command_timeout: float = Field(default=_POOL.command_timeout, gt=0)
    bestshot_db_acquire_timeout: float = Field(default=_POOL.acquire_timeout, gt=0)
    bestshot_db_connect_timeout: float = Field(default=_POOL.connect_timeout, gt=0)

    # Errors.
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # Scheduling.
    scheduler_kind: SchedulerKind = SchedulerKind.LOCAL
    schedule_match_window_minutes: int = Field(default=150, ge=1, le=24 * 60)
    schedule_test_delay_seconds: int | None = Field(
        default=None, description="Set: fire every schedule this long after planning."
    )
    schedule_name_prefix: str = ""

    # The scheduling policy is the one judge of these two, so that a value the service would
    # refuse later never starts it.
    @field_validator("schedule_test_delay_seconds")
    @classmethod
    def _test_delay_the_policy_takes(cls, value: int | None) -> int | None:
        # Clamped first: a number of seconds timedelta cannot hold is far past any limit anyway.
        seconds = None if value is None else max(-1, min(value, 10**9))
        try:
            check_test_delay(None if seconds is None else timedelta(seconds=seconds))
        except InvalidInput as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("schedule_name_prefix")
    @classmethod
    def _prefix_the_policy_takes(cls, value: str) -> str:
        try:
            return check_prefix(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from None

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

    # Result providers.
    football_data_token: SecretStr | None = None
    bestshot_http_connect_timeout: float = Field(default=_HTTP.connect_timeout, gt=0)
    bestshot_http_read_timeout: float = Field(default=_HTTP.read_timeout, gt=0)
    bestshot_http_attempts: int = Field(default=_HTTP.attempts, ge=1, description="First included.")
    bestshot_http_deadline_seconds: float = Field(
        default=_HTTP.deadline,
        gt=0,
        le=_CALLER.read_timeout,
        description="One fetch from a provider, every attempt and wait included; at most the "
        "caller's patience with a PATCH (CALLER_READ_TIMEOUT), so it gets an answer.",
    )
    bestshot_http_max_body_bytes: int = Field(
        default=_HTTP.max_body_bytes,
        ge=1024,
        le=1024**3,
        description="The most a provider's answer may hold, decoded; a larger one answers 502.",
    )
    # Base URLs: tests point them at loopback servers. openfootball's references are whole URLs.
    bestshot_espn_url: BaseUrl = espn.DEFAULT_BASE_URL
    bestshot_football_data_url: BaseUrl = football_data.DEFAULT_BASE_URL
    bestshot_sofascore_url: BaseUrl = sofascore.DEFAULT_BASE_URL
    bestshot_fbref_url: BaseUrl = fbref.DEFAULT_BASE_URL
    bestshot_espn_rate_limit: RateLimitSetting = _SOURCES.espn.policy.rate_limit
    bestshot_football_data_rate_limit: RateLimitSetting = _SOURCES.football_data.policy.rate_limit
    bestshot_sofascore_rate_limit: RateLimitSetting = _SOURCES.sofascore.policy.rate_limit
    bestshot_fbref_rate_limit: RateLimitSetting = _SOURCES.fbref.policy.rate_limit
    bestshot_openfootball_rate_limit: RateLimitSetting = _SOURCES.openfootball.policy.rate_limit
    bestshot_files_dir: Path | None = Field(
        default=None,
        description="The folder openfootball file references are read from; unset: none is.",
    )
    bestshot_openfootball_hosts: Origins = Field(
        default=OpenfootballAccess().hosts,
        description="Hosts (https) or origins openfootball URLs may name, comma-separated.",
    )

    @field_validator("database_url")
    @classmethod
    def _postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        # The message never repeats the value: it may carry a password.
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value

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

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.bestshot_db_pool_min > self.bestshot_db_pool_max:
            raise ValueError("BESTSHOT_DB_POOL_MIN is larger than BESTSHOT_DB_POOL_MAX")
        if self.read_cache_seconds > self.public_cache_max_age:
            raise ValueError("READ_CACHE_SECONDS is longer than PUBLIC_CACHE_MAX_AGE")
        return self

    @property
    def is_production(self) -> bool:
        return self.node_env is NodeEnv.PRODUCTION

    def database(self) -> DatabaseSettings:
        """Where the data lives and how the pool behaves."""
        return DatabaseSettings(
            url=None if self.database_url is None else self.database_url.get_secret_value(),
            data_dir=self.bestshot_data_dir,
            pool=PoolConfig(
                min_size=self.bestshot_db_pool_min,
                max_size=self.bestshot_db_pool_max,
                statement_timeout=self.bestshot_db_statement_timeout,
                command_timeout=self.bestshot_db_command_timeout,
                acquire_timeout=self.bestshot_db_acquire_timeout,
                connect_timeout=self.bestshot_db_connect_timeout,
            ),
        )

    def sources(self) -> SourcesConfig:
        """The result providers' settings.

        The demo source's match window is SCHEDULE_MATCH_WINDOW_MINUTES, so a demo schedule
        fires once the demo's results exist.
        """

        def provider(base_url: str, rate_limit: RateLimit) -> ProviderSettings:
            policy = HttpPolicy(
                connect_timeout=self.bestshot_http_connect_timeout,
                read_timeout=self.bestshot_http_read_timeout,
                attempts=self.bestshot_http_attempts,
                rate_limit=rate_limit,
                max_body_bytes=self.bestshot_http_max_body_bytes,
                deadline=self.bestshot_http_deadline_seconds,
            )
            return ProviderSettings(base_url, policy)

        token = self.football_data_token
        return SourcesConfig(
            espn=provider(self.bestshot_espn_url, self.bestshot_espn_rate_limit),
            football_data=provider(
                self.bestshot_football_data_url, self.bestshot_football_data_rate_limit
            ),
            football_data_token=token.get_secret_value() if token is not None else None,
            sofascore=provider(self.bestshot_sofascore_url, self.bestshot_sofascore_rate_limit),
            fbref=provider(self.bestshot_fbref_url, self.bestshot_fbref_rate_limit),
            openfootball=provider(
                _SOURCES.openfootball.base_url, self.bestshot_openfootball_rate_limit
            ),
            openfootball_access=OpenfootballAccess(
                files_dir=self.bestshot_files_dir, hosts=self.bestshot_openfootball_hosts
            ),
            match_window=timedelta(minutes=self.schedule_match_window_minutes),
        )

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
        return _tokens(self.internal_service_token)

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

    def public_demo_secrets(self) -> list[str]:
        """The variables whose secret in force is a public demo value (in demo mode, unset)."""
        names = []
        if DEMO_INTERNAL_SERVICE_TOKEN in self.internal_tokens():
            names.append("INTERNAL_SERVICE_TOKEN")
        if self.effective_jwt_secret() == DEMO_JWT_SECRET:
            names.append("JWT_SECRET")
        return names

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


def _tokens(value: SecretStr) -> tuple[str, ...]:
    return tuple(token.strip() for token in value.get_secret_value().split(",") if token.strip())


def _problem(error: Any) -> str:
    """One validation error as `VARIABLE: what is wrong`, never the value."""
    where = ".".join(str(part) for part in error["loc"]).upper()
    message = str(error["msg"])
    if error["type"] == "value_error":
        message = str(error["ctx"]["error"])  # our own words, without "Value error, "
    return f"{where}: {message}" if where else message


@contextmanager
def _reading(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Every variable parsed and checked for itself; ConfigurationError names each bad one.

    `environ` replaces the process environment (tests, `bestshot demo`); by default
    `os.environ` is read.
    """
    try:
        with _reading(environ):
            return Settings()
    except ValidationError as error:
        problems = "; ".join(
            _problem(e) for e in error.errors(include_input=False, include_url=False)
        )
        raise ConfigurationError(f"invalid settings: {problems}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of a service about to start: `read_settings`, and in production none of
    the refusals of `production_problems`. ConfigurationError says what is wrong, never a
    value."""
    settings = read_settings(environ)
    if settings.is_production and (problems := settings.production_problems()):
        raise ConfigurationError("refusing to start in production: " + "; ".join(problems))
    return settings


@frozen
class DatabaseSettings:
    url: str | None  # None: the embedded server
    data_dir: Path
    pool: PoolConfig

    @property
    def embedded_data_dir(self) -> Path:
        return self.data_dir / "pgdata"
