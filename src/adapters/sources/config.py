"""What the sources need to know, as one frozen value the composition root builds.

Adapters never read the environment: `entrypoints.settings` builds a `SourcesConfig` from it
(the variables each provider declares, `adapters.sources.declaration`) and hands it over.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from attrs import field, frozen

from adapters.sources.policy import HttpPolicy

DEFAULT_MATCH_WINDOW = timedelta(hours=2, minutes=30)


def _frozen_mapping(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


def _frozen_providers(value: Mapping[str, ProviderSettings]) -> Mapping[str, ProviderSettings]:
    return MappingProxyType(dict(value))


@frozen
class ProviderSettings:
    """One provider's base URL, HTTP policy and the values of its own settings."""

    base_url: str
    policy: HttpPolicy = field(factory=HttpPolicy)
    # By `Setting.key`. Never shown: a token travels here.
    options: Mapping[str, object] = field(factory=dict, converter=_frozen_mapping, repr=False)


@frozen
class SourcesConfig:
    """Every provider's settings by name; a provider left out gets its declared defaults."""

    providers: Mapping[str, ProviderSettings] = field(factory=dict, converter=_frozen_providers)
    # The schedules' match window: how long after kickoff the demo source says a match is over.
    match_window: timedelta = DEFAULT_MATCH_WINDOW
    # The command line's user: references may name any file or URL (they are not someone
    # else's request).
    trusted: bool = False
