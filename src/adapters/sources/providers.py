"""Every provider by name: its payload parser (for `bestshot source parse`) and its source."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import httpx

from adapters.sources import demo, espn, fbref, football_data, openfootball, sofascore
from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.http import HTML_ACCEPT, JSON_ACCEPT, ProviderClient, UrlCheck
from adapters.sources.parsed import ParsedMatch
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import Clock, ResultSource

Parser = Callable[[bytes], list[ParsedMatch]]

PARSERS: Mapping[str, Parser] = {
    espn.PROVIDER: espn.parse_scoreboard,
    football_data.PROVIDER: football_data.parse_matches,
    sofascore.PROVIDER: sofascore.parse_events,
    fbref.PROVIDER: fbref.parse_schedule,
    openfootball.PROVIDER: openfootball.parse_file,
}
"""Providers whose saved payloads can be parsed, and how."""

PROVIDERS: tuple[str, ...] = (*PARSERS, demo.PROVIDER)


class ClosableSource(ResultSource, Protocol):
    """A source that holds a connection pool until closed."""

    async def aclose(self) -> None: ...


def _client(
    name: str,
    settings: ProviderSettings,
    transport: httpx.AsyncBaseTransport | None,
    *,
    accept: str = JSON_ACCEPT,
    credentials: Mapping[str, str] | None = None,
    allowed: UrlCheck | None = None,
    retry_after_headers: tuple[str, ...] = ("Retry-After",),
) -> ProviderClient:
    return ProviderClient(
        name,
        settings.base_url,
        settings.policy,
        accept=accept,
        credentials=credentials,
        allowed=allowed,
        transport=transport,
        retry_after_headers=retry_after_headers,
    )


def build_source(
    provider: str,
    config: SourcesConfig,
    *,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ClosableSource:
    """The configured source of `provider`; InvalidInput for an unknown provider."""
    if provider == espn.PROVIDER:
        return espn.EspnSource(_client(provider, config.espn, transport))
    if provider == football_data.PROVIDER:
        token = config.football_data_token
        # Credentials go only to the configured origin; redirects elsewhere are not followed.
        credentials = {football_data.AUTH_HEADER: token} if token else {}
        client = _client(
            provider,
            config.football_data,
            transport,
            credentials=credentials,
            retry_after_headers=football_data.RETRY_AFTER_HEADERS,
        )
        return football_data.FootballDataSource(client)
    if provider == sofascore.PROVIDER:
        return sofascore.SofascoreSource(_client(provider, config.sofascore, transport))
    if provider == fbref.PROVIDER:
        return fbref.FbrefSource(_client(provider, config.fbref, transport, accept=HTML_ACCEPT))
    if provider == openfootball.PROVIDER:
        access = config.openfootball_access
        client = _client(provider, config.openfootball, transport, allowed=access.allows)
        return openfootball.OpenfootballSource(client, access)
    if provider == demo.PROVIDER:
        return demo.DemoSource(clock, config.match_window)
    raise InvalidInput(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
