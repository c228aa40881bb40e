"""Every setting, read from the environment by pydantic-settings, one model per concern.

`Settings` composes the concerns (service, auth, database, observability, scheduling, worker,
webhooks, providers), one module each, each readable alone.
`read_settings()` checks each variable for itself (enough for a command that does not serve);
`load_settings()` adds, in production, each concern's `production_problems`.
Only entrypoints read settings; adapters get plain values (`database.config()`, `sources()` ...).
The Lambda reads its few variables itself: no pydantic on a cold start.
The variables: README, "Configuration".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.sources.config import SourcesConfig
from bestshot_domain.errors import InvalidInput
from bestshot_domain.scheduling import SchedulingPolicy
from entrypoints.settings.auth import (
    DEMO_INTERNAL_SERVICE_TOKEN,
    DEMO_JWT_SECRET,
    AuthSettings,
    admin_claim,
)
from entrypoints.settings.concern import Concern, reading_from
from entrypoints.settings.database import DatabaseConfig, DatabaseSettings
from entrypoints.settings.observability import ObservabilitySettings
from entrypoints.settings.providers import ProvidersSettings
from entrypoints.settings.scheduling import SchedulerKind, SchedulingSettings
from entrypoints.settings.service import DEMO_API_DOMAIN, NodeEnv, ServiceSettings
from entrypoints.settings.webhooks import WebhooksSettings
from entrypoints.settings.worker import WorkerSettings

if TYPE_CHECKING:
    from adapters.webhooks import DispatcherConfig

__all__ = [
    "DEMO_API_DOMAIN",
    "DEMO_INTERNAL_SERVICE_TOKEN",
    "DEMO_JWT_SECRET",
    "AuthSettings",
    "ConfigurationError",
    "DatabaseConfig",
    "DatabaseSettings",
    "NodeEnv",
    "ObservabilitySettings",
    "ProvidersSettings",
    "SchedulerKind",
    "SchedulingSettings",
    "ServiceSettings",
    "Settings",
    "WebhooksSettings",
    "WorkerSettings",
    "admin_claim",
    "load_settings",
    "read_settings",
]


class ConfigurationError(InvalidInput):
    """The environment does not describe a service that may start. The message names variables
    and what is wrong with them, never their values."""


class Settings(BaseModel):
    """The concerns, and what takes more than one of them."""

    model_config = ConfigDict(frozen=True)

    service: ServiceSettings = Field(default_factory=ServiceSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    scheduling: SchedulingSettings = Field(default_factory=SchedulingSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    webhooks: WebhooksSettings = Field(default_factory=WebhooksSettings)
    providers: ProvidersSettings = Field(default_factory=ProvidersSettings)

    @classmethod
    def concern_types(cls) -> dict[str, type[Concern]]:
        return {name: _concern(field.annotation) for name, field in cls.model_fields.items()}

    @classmethod
    def variables(cls) -> tuple[str, ...]:
        """Every variable the concerns read."""
        return tuple(v for concern in cls.concern_types().values() for v in concern.variables())

    def concerns(self) -> tuple[Concern, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields)

    @property
    def is_production(self) -> bool:
        return self.service.is_production

    def effective_jwt_secret(self) -> str | None:
        """The HS256 key: the configured one, or in demo (with no JWKS either) the demo key."""
        return self.auth.effective_jwt_secret(production=self.is_production)

    def internal_tokens(self) -> tuple[str, ...]:
        """Every accepted internal token (several while one is being rotated out)."""
        return self.auth.internal_tokens(production=self.is_production)

    def public_demo_secrets(self) -> list[str]:
        """The variables whose secret in force is a public demo value (in demo mode, unset)."""
        return self.auth.public_demo_secrets(production=self.is_production)

    def sources(self) -> SourcesConfig:
        """The result providers' settings. The demo source's match window is the schedules'
        (SCHEDULE_MATCH_WINDOW_MINUTES), so a demo schedule fires once the demo's results
        exist."""
        return self.providers.config(match_window=self.scheduling.match_window)

    def webhook_config(self, *, poll_seconds: float | None = None) -> DispatcherConfig:
        """The webhook dispatcher's settings; its URL policy follows NODE_ENV."""
        return self.webhooks.config(production=self.is_production, poll_seconds=poll_seconds)

    def scheduling_policy(self) -> SchedulingPolicy:
        """How schedules are timed and named, for this service's environment."""
        return self.scheduling.policy(target_env=self.service.node_env.value)

    def secret_values(self) -> tuple[str, ...]:
        """Every secret in force, for scrubbers that must never let one out: each `SecretStr`
        setting (and its parts: tokens of a list, a URL's password), and the demo secrets
        that stand in for unset ones."""
        values: list[str] = [*self.internal_tokens()]
        if (jwt_secret := self.effective_jwt_secret()) is not None:
            values.append(jwt_secret)
        for concern in self.concerns():
            for secret in concern.secrets():
                values.extend(_parts(secret.get_secret_value()))
        # Short strings would scrub ordinary words out of every event; none of ours are short.
        return tuple(dict.fromkeys(v for v in values if len(v) >= 8))

    def budget_problems(self) -> list[str]:
        """Time budgets that do not fit inside each other (empty: they fit). The API's whole
        provider budget for a PATCH must be below the caller's wait for its answer, or the
        caller gives up on an update that is still going to answer; and the local worker's
        lease must outlast its caller's longest firing, or a second worker fires it again.
        The Lambda checks its own CALLER_READ_TIMEOUT against its timeout."""
        problems = []
        deadline = self.providers.http_deadline_seconds
        if deadline >= self.worker.caller_read_timeout:
            problems.append(
                "BESTSHOT_HTTP_DEADLINE_SECONDS must be below CALLER_READ_TIMEOUT (the caller "
                "would give up before the API answers)"
            )
        lease = self.worker.config().lease
        if self.worker.caller_worst_case() >= lease:
            problems.append(
                f"CALLER_READ_TIMEOUT is too long for the local worker's lease "
                f"({lease.total_seconds():.0f} s for both PATCHes, every attempt)"
            )
        return problems

    def production_problems(self) -> list[str]:
        """What keeps this configuration from running in production (empty: nothing)."""
        return [problem for concern in self.concerns() for problem in concern.production_problems()]


# Variables that were renamed: still set, they would be ignored without a word.
RENAMED = {
    "WORKER_FOLLOW_UP_MINUTES": "SCHEDULE_FOLLOW_UP_MINUTES",
    "WORKER_MAX_FOLLOW_UPS": "SCHEDULE_MAX_FOLLOW_UPS",
}


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Every variable parsed and checked for itself; ConfigurationError names each bad one.

    `environ` replaces the process environment (tests, `bestshot demo`); by default
    `os.environ` is read.
    """
    concerns: dict[str, Concern] = {}
    given = os.environ if environ is None else environ
    problems: list[str] = [
        f"{old} was renamed {new}"
        for old, new in RENAMED.items()
        if any(name.upper() == old for name in given)
    ]
    with reading_from(environ):
        for name, concern in Settings.concern_types().items():
            try:
                concerns[name] = concern()
            except ValidationError as error:
                errors = error.errors(include_input=False, include_url=False)
                problems.extend(_problem(e) for e in errors)
    if problems:
        raise ConfigurationError(f"invalid settings: {'; '.join(problems)}")
    settings = Settings.model_validate(concerns)
    if problems := settings.budget_problems():
        raise ConfigurationError(f"invalid settings: {'; '.join(problems)}")
    return settings


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of a service about to start: `read_settings`, and in production none of
    the refusals of `production_problems`. ConfigurationError says what is wrong, never a
    value."""
    settings = read_settings(environ)
    if settings.is_production and (problems := settings.production_problems()):
        raise ConfigurationError("refusing to start in production: " + "; ".join(problems))
    return settings


def _concern(annotation: object) -> type[Concern]:
    if isinstance(annotation, type) and issubclass(annotation, Concern):
        return annotation
    raise TypeError(f"a field of Settings is not a Concern: {annotation!r}")


def _parts(secret: str) -> list[str]:
    """A secret, each comma-separated part of it, and the password of a URL."""
    parts = [secret, *(part.strip() for part in secret.split(","))]
    try:
        password = urlsplit(secret).password
    except ValueError:
        password = None
    return parts if password is None else [*parts, password]


def _problem(error: Any) -> str:
    """One validation error as `VARIABLE: what is wrong`, never the value."""
    where = ".".join(str(part) for part in error["loc"]).upper()
    message = str(error["msg"])
    if error["type"] == "value_error":
        message = str(error["ctx"]["error"])  # our own words, without "Value error, "
    return f"{where}: {message}" if where else message
