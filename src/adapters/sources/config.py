"""What the sources need to know, as one frozen value the composition root builds.

Adapters never read the environment: `entrypoints.settings` builds a `SourcesConfig`
from it and hands it over.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import field, frozen

from adapters.sources import demo, espn, fbref, football_data, openfootball, sofascore
from adapters.sources.openfootball import OpenfootballAccess
from adapters.sources.policy import HttpPolicy, RateLimit


@frozen
class ProviderSettings:
    base_url: str
    policy: HttpPolicy = field(factory=HttpPolicy)


@frozen
class SourcesConfig:
    espn: ProviderSettings = ProviderSettings(
        espn.DEFAULT_BASE_URL, HttpPolicy(rate_limit=RateLimit(30, 60.0))
    )
    # The free plan allows 10 requests a minute.
    football_data: ProviderSettings = ProviderSettings(
        football_data.DEFAULT_BASE_URL, HttpPolicy(rate_limit=RateLimit(10, 60.0))
    )
    football_data_token: str | None = field(default=None, repr=False)  # a secret: never shown
    sofascore: ProviderSettings = ProviderSettings(
        sofascore.DEFAULT_BASE_URL, HttpPolicy(rate_limit=RateLimit(20, 60.0))
    )
    # FBref asks robots for at most 10 requests a minute and bans faster ones for a while.
    fbref: ProviderSettings = ProviderSettings(
        fbref.DEFAULT_BASE_URL, HttpPolicy(rate_limit=RateLimit(10, 60.0))
    )
    # openfootball references are whole URLs (or file paths): no base URL to configure, but
    # limits on the files and hosts they may name.
    openfootball: ProviderSettings = ProviderSettings(
        openfootball.DEFAULT_BASE_URL, HttpPolicy(rate_limit=RateLimit(30, 60.0))
    )
    openfootball_access: OpenfootballAccess = field(factory=OpenfootballAccess)
    match_window: timedelta = demo.DEFAULT_MATCH_WINDOW
