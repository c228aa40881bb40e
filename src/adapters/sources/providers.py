"""Every provider by name, found from the declarations of the modules of this package.

A module of `adapters.sources` that has a `DECLARATION` (an `adapters.sources.declaration.
Provider`) is a provider: nothing else names them. README, "Adding a provider". Every module
of the package is imported to find them (the settings read them), so none imports httpx or bs4
at its top: those are used in subpackages (`http`, `pages`), which are not searched.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import adapters.sources
from adapters.sources.config import SourcesConfig
from adapters.sources.declaration import ClosableSource, Parser, Provider, Wiring
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import Clock

if TYPE_CHECKING:
    import httpx

__all__ = ["DECLARATIONS", "PARSERS", "PROVIDERS", "ClosableSource", "build_source"]


def _declared() -> Mapping[str, Provider]:
    found: dict[str, Provider] = {}
    for module in pkgutil.iter_modules(adapters.sources.__path__):
        if module.ispkg:
            continue  # the HTTP client and the HTML parsers: imported when used, never here
        declared = getattr(
            importlib.import_module(f"{adapters.sources.__name__}.{module.name}"),
            "DECLARATION",
            None,
        )
        if isinstance(declared, Provider):
            if declared.name in found:
                raise RuntimeError(f"two modules declare the provider {declared.name!r}")
            found[declared.name] = declared
    return MappingProxyType(dict(sorted(found.items())))


DECLARATIONS: Mapping[str, Provider] = _declared()
"""The declared providers by name, in the order of their names."""

PROVIDERS: tuple[str, ...] = tuple(DECLARATIONS)

PARSERS: Mapping[str, Parser] = MappingProxyType(
    {name: p.parser for name, p in DECLARATIONS.items() if p.parser is not None}
)
"""Providers whose saved payloads can be parsed, and how."""


def build_source(
    provider: str,
    config: SourcesConfig,
    *,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ClosableSource:
    """The configured source of `provider`; InvalidInput for an unknown provider."""
    declared = DECLARATIONS.get(provider)
    if declared is None:
        raise InvalidInput(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
    settings = config.providers.get(provider) or declared.defaults()
    return declared.build(Wiring(declared, settings, config, clock, transport))
