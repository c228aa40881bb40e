"""The result providers: their addresses, their rate limits, our patience with them.

The variables of each provider come from its declaration (`adapters.sources.declaration`);
only what all of them share is written here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from attrs import evolve
from pydantic import BeforeValidator, Field, SecretStr, create_model
from pydantic_settings import NoDecode

from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.declaration import Provider, Setting
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import DECLARATIONS
from entrypoints.settings.concern import Concern


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


RateLimitSetting = Annotated[RateLimit, BeforeValidator(_rate_limit)]
BaseUrl = Annotated[str, BeforeValidator(_base_url)]

_HTTP = HttpPolicy()


def _declared_setting(setting: Setting[Any]) -> tuple[Any, Any]:
    """A provider's own setting as a field: parsed by its `parse`, a secret as a SecretStr."""
    if setting.secret:
        return SecretStr | None, Field(
            default=None, validation_alias=setting.variable, description=setting.description
        )

    def parse(value: object) -> object:
        return setting.parse(value) if isinstance(value, str) else value

    # NoDecode: the variable's text goes to `parse`, not through pydantic-settings' JSON.
    annotation = Annotated[Any, NoDecode, BeforeValidator(parse)]
    return annotation, Field(
        default=setting.default, validation_alias=setting.variable, description=setting.description
    )


def _field(provider: Provider, key: str) -> str:
    return f"{provider.name}_{key}"


def _declared_fields() -> dict[str, Any]:
    """Each provider's variables, from its declaration: the URL, the rate limit, its own."""
    fields: dict[str, Any] = {}
    for provider in DECLARATIONS.values():
        if provider.url_variable is not None and provider.base_url is not None:
            fields[_field(provider, "url")] = (
                BaseUrl,
                Field(default=provider.base_url, validation_alias=provider.url_variable),
            )
        if provider.rate_limit_variable is not None:
            fields[_field(provider, "rate_limit")] = (
                RateLimitSetting,
                Field(default=provider.rate_limit, validation_alias=provider.rate_limit_variable),
            )
        for setting in provider.settings:
            fields[_field(provider, setting.key)] = _declared_setting(setting)
    return fields


if TYPE_CHECKING:
    _Declared = Concern
else:
    # The fields no module writes by hand: made from the declarations, so that a provider's
    # variables are named in its own module only.
    _Declared = create_model(
        "_Declared", __base__=Concern, __module__=__name__, **_declared_fields()
    )


class ProvidersSettings(_Declared):
    http_connect_timeout: float = Field(
        default=_HTTP.connect_timeout, gt=0, validation_alias="BESTSHOT_HTTP_CONNECT_TIMEOUT"
    )
    http_read_timeout: float = Field(
        default=_HTTP.read_timeout, gt=0, validation_alias="BESTSHOT_HTTP_READ_TIMEOUT"
    )
    http_attempts: int = Field(
        default=_HTTP.attempts,
        ge=1,
        validation_alias="BESTSHOT_HTTP_ATTEMPTS",
        description="First included.",
    )
    http_deadline_seconds: float = Field(
        default=_HTTP.deadline,
        gt=0,
        validation_alias="BESTSHOT_HTTP_DEADLINE_SECONDS",
        description="One fetch from a provider, every attempt and wait included; below the "
        "caller's patience with a PATCH (CALLER_READ_TIMEOUT), so it gets an answer "
        "(`Settings.budget_problems`).",
    )
    http_max_body_bytes: int = Field(
        default=_HTTP.max_body_bytes,
        ge=1024,
        le=1024**3,
        validation_alias="BESTSHOT_HTTP_MAX_BODY_BYTES",
        description="The most a provider's answer may hold, decoded; a larger one answers 502.",
    )

    def config(self, *, match_window: timedelta) -> SourcesConfig:
        """The providers' settings; `match_window` is the demo source's (the schedules')."""
        policy = HttpPolicy(
            connect_timeout=self.http_connect_timeout,
            read_timeout=self.http_read_timeout,
            attempts=self.http_attempts,
            max_body_bytes=self.http_max_body_bytes,
            deadline=self.http_deadline_seconds,
        )
        return SourcesConfig(
            {name: self._provider(declared, policy) for name, declared in DECLARATIONS.items()},
            match_window=match_window,
        )

    def _provider(self, provider: Provider, policy: HttpPolicy) -> ProviderSettings:
        def value(key: str) -> Any:
            return getattr(self, _field(provider, key))

        defaults = provider.defaults(policy)
        options = {}
        for setting in provider.settings:
            option = value(setting.key)
            if isinstance(option, SecretStr):
                option = option.get_secret_value()
            options[setting.key] = option
        return ProviderSettings(
            value("url") if provider.url_variable else defaults.base_url,
            evolve(defaults.policy, rate_limit=value("rate_limit"))
            if provider.rate_limit_variable
            else defaults.policy,
            options,
        )
