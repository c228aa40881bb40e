"""Every declared provider held to the ResultSource contract: an HTTP provider's source fetches
its recorded payloads from one loopback server (started once a session, each provider under its
own path), the others are read directly. Each provider's fixture is its module in
`tests/contracts/sources` (named as the provider); a provider without one fails here."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import ModuleType

import pytest

from adapters.memory import SettableClock
from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import DECLARATIONS, ClosableSource, build_source
from tests.builders import T0
from tests.contracts.source_case import SourceCase
from tests.contracts.sources.recorded import Recorded
from tests.integration.sources.sources_loopback import LoopbackServer, serving

# Patient enough for a loaded machine, quick to give up on a bug; no rate limit to wait for.
POLICY = HttpPolicy(
    connect_timeout=5.0, read_timeout=10.0, attempts=1, rate_limit=RateLimit(1000, 1.0)
)


def fixture_module(provider: str) -> ModuleType:
    """The provider's contract fixture; a declared provider without one fails loudly."""
    try:
        return importlib.import_module(f"tests.contracts.sources.{provider}")
    except ModuleNotFoundError as missing:
        if missing.name != f"tests.contracts.sources.{provider}":
            raise
        pytest.fail(f"provider {provider!r} has no contract fixture tests/contracts/sources/")


@pytest.fixture(scope="session")
def recorded_providers() -> Iterator[LoopbackServer]:
    """One server for every HTTP provider's recorded answers, each under `/{provider}`."""
    with serving() as server:
        for name, declared in DECLARATIONS.items():
            if declared.http:
                recorded: Recorded = fixture_module(name).RECORDED
                for path, reply in recorded.routes.items():
                    server.script(f"/{name}{path}", reply)
        yield server


def _filled(text: str, server: LoopbackServer, provider: str) -> str:
    return text.format(base=f"{server.url}/{provider}", origin=server.url)


@dataclass(frozen=True)
class ProviderCase:
    """A `source_case` choice: the declared provider `name` on its contract fixture."""

    name: str

    def __str__(self) -> str:
        return self.name

    @asynccontextmanager
    async def case(self, request: pytest.FixtureRequest) -> AsyncIterator[SourceCase]:
        name = self.name
        module = fixture_module(name)
        declared = DECLARATIONS[name]
        if not declared.http:
            yield module.case(SettableClock(T0))
            return
        server: LoopbackServer = request.getfixturevalue("recorded_providers")
        recorded: Recorded = module.RECORDED
        parse = {setting.key: setting.parse for setting in declared.settings}
        options = {
            key: parse[key](_filled(text, server, name)) for key, text in recorded.options.items()
        }
        settings = ProviderSettings(f"{server.url}/{name}", POLICY, options)
        source: ClosableSource = build_source(
            name, SourcesConfig({name: settings}), clock=SettableClock(T0)
        )
        try:
            yield SourceCase(
                source,
                _filled(recorded.reference, server, name),
                unknown_reference=_filled(recorded.unknown_reference, server, name),
                malformed_reference=recorded.malformed_reference,
            )
        finally:
            await source.aclose()


PROVIDER_SOURCES = [
    pytest.param(
        ProviderCase(name), marks=[pytest.mark.integration] if declared.http else [], id=name
    )
    for name, declared in DECLARATIONS.items()
]
"""Each declared provider, an HTTP one marked integration (it needs the loopback server)."""
