"""What a provider declares about itself, once, in its own module (`DECLARATION`).

The registry (`adapters.sources.providers`), the providers' settings, the import body's enum
and the command line's help are all made from these declarations. How to add a provider:
README, "Adding a provider".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from attrs import evolve, frozen

from adapters.sources.config import ProviderSettings, SourcesConfig
from adapters.sources.parsed import ParsedMatch
from adapters.sources.policy import JSON_ACCEPT, HttpPolicy, RateLimit
from bestshot_domain.ports import Clock, ResultSource

if TYPE_CHECKING:
    import httpx

    from adapters.sources.http import ProviderClient
    from adapters.sources.origin import UrlCheck

T = TypeVar("T")

Parser = Callable[[bytes], list[ParsedMatch]]


class ClosableSource(ResultSource, Protocol):
    """A source that holds a connection pool until closed."""

    async def aclose(self) -> None: ...


@frozen
class Setting(Generic[T]):
    """A variable a provider reads besides its base URL and rate limit."""

    key: str  # the provider's own name for it, unique within the provider
    variable: str  # the environment variable
    parse: Callable[[str], T]  # the variable's text to a value; ValueError says what is wrong
    default: T
    description: str
    example: str  # a value other than the default, for the docs and the tests
    secret: bool = False  # never shown (settings hold it as a SecretStr)

    def of(self, settings: ProviderSettings) -> T:
        """Its value in `settings` (the default when not set there)."""
        return cast(T, settings.options.get(self.key, self.default))


@frozen
class Reference:
    """What names a tournament at the provider, for help texts and the API's document."""

    shape: str  # `LEAGUE:FIRST-LAST`
    example: str  # `eng.1:20250815-20260524`
    note: str = ""  # what else to know, in a few words


@frozen
class Wiring:
    """What a provider's `build` gets: its settings, the shared config, and the parts to use."""

    declaration: Provider
    settings: ProviderSettings
    config: SourcesConfig
    clock: Clock
    transport: httpx.AsyncBaseTransport | None = None

    def client(
        self, *, credentials: Mapping[str, str] | None = None, allowed: UrlCheck | None = None
    ) -> ProviderClient:
        """The HTTP client on the provider's base URL, policy and declared manners. Without
        `allowed`, only the base URL's origin is fetched (redirects elsewhere are refused)."""
        # httpx only when a source is built: the settings and the command line read the
        # declarations without it.
        from adapters.sources.http import ProviderClient  # noqa: PLC0415

        declared = self.declaration
        return ProviderClient(
            declared.name,
            self.settings.base_url,
            self.settings.policy,
            accept=declared.accept,
            credentials=credentials,
            allowed=allowed,
            transport=self.transport,
            retry_after_headers=declared.retry_after_headers,
        )


@frozen
class Provider:
    """Everything about one provider. `name` is the import body's `provider`, the prefix of
    its stored keys and of its variables (`BESTSHOT_{NAME}_URL`, `BESTSHOT_{NAME}_RATE_LIMIT`)."""

    name: str
    title: str  # how people call it: "football-data.org v4"
    build: Callable[[Wiring], ClosableSource]
    reference: Reference
    # A saved payload to its matches, for `bestshot source parse`; None: nothing to parse.
    parser: Parser | None = None
    payload: str = ""  # what `parser` reads, in a few words: "an ESPN scoreboard"
    # None: no HTTP (no URL, rate limit or HTTP settings).
    base_url: str | None = None
    url_setting: bool = True  # False: references are whole URLs; no BESTSHOT_{NAME}_URL
    rate_limit: RateLimit | None = None  # the default of BESTSHOT_{NAME}_RATE_LIMIT
    accept: str = JSON_ACCEPT
    retry_after_headers: tuple[str, ...] = ("Retry-After",)
    # Its own variables. The hosts it may fetch are its base URL's origin, unless its `build`
    # hands the client another check (openfootball: the hosts of one of these).
    settings: tuple[Setting[Any], ...] = ()

    @property
    def http(self) -> bool:
        return self.base_url is not None

    @property
    def url_variable(self) -> str | None:
        return f"BESTSHOT_{self.name.upper()}_URL" if self.http and self.url_setting else None

    @property
    def rate_limit_variable(self) -> str | None:
        return f"BESTSHOT_{self.name.upper()}_RATE_LIMIT" if self.rate_limit else None

    def variables(self) -> tuple[str, ...]:
        """Every variable it reads (the HTTP ones every provider shares aside)."""
        own = (self.url_variable, self.rate_limit_variable)
        return (*(v for v in own if v), *(s.variable for s in self.settings))

    def defaults(self, policy: HttpPolicy | None = None) -> ProviderSettings:
        """Its settings when nothing is set: the declared URL and rate limit on `policy`."""
        policy = policy or HttpPolicy()
        if self.rate_limit is not None:
            policy = evolve(policy, rate_limit=self.rate_limit)
        return ProviderSettings(self.base_url or "", policy)
