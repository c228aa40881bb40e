"""SourcesConfig values for tests: every HTTP provider on one loopback server, or one provider
with its own settings. Providers come from their declarations, never from a list here."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.policy import HttpPolicy
from adapters.sources.providers import DECLARATIONS


def on_loopback(
    url: str,
    policy: HttpPolicy,
    options: Mapping[str, Mapping[str, object]] | None = None,
    *,
    trusted: bool = False,
) -> SourcesConfig:
    """Every HTTP provider's base URL at `url`; `options` by provider (`{"football_data":
    {"token": ...}}`)."""
    options = options or {}
    return SourcesConfig(
        {
            name: ProviderSettings(url, policy, options.get(name, {}))
            for name, declared in DECLARATIONS.items()
            if declared.http
        },
        trusted=trusted,
    )


def one(
    name: str,
    options: Mapping[str, object] | None = None,
    *,
    url: str | None = None,
    policy: HttpPolicy | None = None,
    trusted: bool = False,
) -> SourcesConfig:
    """Provider `name` with its declared defaults but for `options`, `url` and `policy`."""
    defaults = DECLARATIONS[name].defaults(policy)
    settings = ProviderSettings(url or defaults.base_url, defaults.policy, options or {})
    return SourcesConfig({name: settings}, trusted=trusted)
