"""The result providers: their addresses, their rate limits, our patience with them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import NoDecode

from adapters.sources import espn, fbref, football_data, sofascore
from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.http import Origin
from adapters.sources.openfootball import OpenfootballAccess, parse_origin
from adapters.sources.policy import HttpPolicy, RateLimit
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


def _origins(value: object) -> object:
    """`raw.githubusercontent.com,http://mirror.lan:8080` as origins."""
    if isinstance(value, str):
        return tuple(parse_origin(part) for part in value.split(",") if part.strip())
    return value


RateLimitSetting = Annotated[RateLimit, BeforeValidator(_rate_limit)]
BaseUrl = Annotated[str, BeforeValidator(_base_url)]
# NoDecode: a comma-separated list, not the JSON pydantic-settings expects of a tuple.
Origins = Annotated[tuple[Origin, ...], NoDecode, BeforeValidator(_origins)]

_HTTP = HttpPolicy()
_SOURCES = SourcesConfig()


class ProvidersSettings(Concern):
    football_data_token: SecretStr | None = None
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
    # Base URLs: tests point them at loopback servers. openfootball's references are whole URLs.
    espn_url: BaseUrl = Field(default=espn.DEFAULT_BASE_URL, validation_alias="BESTSHOT_ESPN_URL")
    football_data_url: BaseUrl = Field(
        default=football_data.DEFAULT_BASE_URL, validation_alias="BESTSHOT_FOOTBALL_DATA_URL"
    )
    sofascore_url: BaseUrl = Field(
        default=sofascore.DEFAULT_BASE_URL, validation_alias="BESTSHOT_SOFASCORE_URL"
    )
    fbref_url: BaseUrl = Field(
        default=fbref.DEFAULT_BASE_URL, validation_alias="BESTSHOT_FBREF_URL"
    )
    espn_rate_limit: RateLimitSetting = Field(
        default=_SOURCES.espn.policy.rate_limit, validation_alias="BESTSHOT_ESPN_RATE_LIMIT"
    )
    football_data_rate_limit: RateLimitSetting = Field(
        default=_SOURCES.football_data.policy.rate_limit,
        validation_alias="BESTSHOT_FOOTBALL_DATA_RATE_LIMIT",
    )
    sofascore_rate_limit: RateLimitSetting = Field(
        default=_SOURCES.sofascore.policy.rate_limit,
        validation_alias="BESTSHOT_SOFASCORE_RATE_LIMIT",
    )
    fbref_rate_limit: RateLimitSetting = Field(
        default=_SOURCES.fbref.policy.rate_limit, validation_alias="BESTSHOT_FBREF_RATE_LIMIT"
    )
    openfootball_rate_limit: RateLimitSetting = Field(
        default=_SOURCES.openfootball.policy.rate_limit,
        validation_alias="BESTSHOT_OPENFOOTBALL_RATE_LIMIT",
    )
    files_dir: Path | None = Field(
        default=None,
        validation_alias="BESTSHOT_FILES_DIR",
        description="The folder openfootball file references are read from; unset: none is.",
    )
    openfootball_hosts: Origins = Field(
        default=OpenfootballAccess().hosts,
        validation_alias="BESTSHOT_OPENFOOTBALL_HOSTS",
        description="Hosts (https) or origins openfootball URLs may name, comma-separated.",
    )

    def config(self, *, match_window: timedelta) -> SourcesConfig:
        """The providers' settings; `match_window` is the demo source's (the schedules')."""

        def provider(base_url: str, rate_limit: RateLimit) -> ProviderSettings:
            policy = HttpPolicy(
                connect_timeout=self.http_connect_timeout,
                read_timeout=self.http_read_timeout,
                attempts=self.http_attempts,
                rate_limit=rate_limit,
                max_body_bytes=self.http_max_body_bytes,
                deadline=self.http_deadline_seconds,
            )
            return ProviderSettings(base_url, policy)

        token = self.football_data_token
        return SourcesConfig(
            espn=provider(self.espn_url, self.espn_rate_limit),
            football_data=provider(self.football_data_url, self.football_data_rate_limit),
            football_data_token=token.get_secret_value() if token is not None else None,
            sofascore=provider(self.sofascore_url, self.sofascore_rate_limit),
            fbref=provider(self.fbref_url, self.fbref_rate_limit),
            openfootball=provider(_SOURCES.openfootball.base_url, self.openfootball_rate_limit),
            openfootball_access=OpenfootballAccess(
                files_dir=self.files_dir, hosts=self.openfootball_hosts
            ),
            match_window=match_window,
        )
