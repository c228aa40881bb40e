"""FBref schedule pages ("Scores & Fixtures"), HTML read with BeautifulSoup
(`adapters.sources.pages.fbref`, imported only to parse a page).

Reference: the page's path, or its whole URL on the configured FBref origin (no other host).
One page holds the fixtures and every round's observations: FBref has no per-round page.
Columns, rounds and the status table: docs/sources.md, "FBref".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from adapters.extras import needs_extra
from adapters.sources.declaration import Provider, Reference, Wiring
from adapters.sources.origin import Origin
from adapters.sources.parsed import ParsedMatch, assemble_fixtures, round_observations
from adapters.sources.policy import HTML_ACCEPT, RateLimit
from adapters.sources.references import reference_known
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Fixtures, Match, Observation, Round

if TYPE_CHECKING:
    from adapters.sources.http import ProviderClient

PROVIDER = "fbref"
DEFAULT_BASE_URL = "https://fbref.com"


def parse_schedule(raw: bytes | str) -> list[ParsedMatch]:
    """The matches of an FBref schedule page (or a saved fragment of its table)."""
    # bs4 comes with the `scrapers` extra and only a page to read needs it: without it this
    # module still loads (the settings and the provider list name fbref).
    with needs_extra("scrapers", "the fbref provider", "bs4"):
        from adapters.sources.pages.fbref import parse_page  # noqa: PLC0415

    return parse_page(raw)


def _on(origin: Origin, url: str) -> bool:
    """Whether `url` is on `origin` and carries no user name or password."""
    try:
        return "@" not in urlsplit(url).netloc and url in origin
    except ValueError:  # a malformed IPv6 address
        return False


def schedule_url(reference: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The page to fetch: a path on the base URL, or an absolute URL on the base URL's own
    origin (a reference comes from an admin's request: it must not send the server anywhere
    else, a loopback or private address least of all)."""
    text = reference.strip()
    if re.match(r"^/(?!/)\S*$", text):  # a path, not `//host/...` (scheme-relative)
        return text
    if re.match(r"^https?://\S+$", text):
        origin = Origin.of(base_url)
        if _on(origin, text):
            return text
        raise InvalidInput(
            f"fbref reference: only pages of {origin} are read; give the page's path "
            "(e.g. /en/comps/9/schedule/Premier-League-Scores-and-Fixtures)"
        )
    raise InvalidInput(
        f"fbref reference {reference!r}: expected the schedule page's URL or path "
        "(e.g. /en/comps/9/schedule/Premier-League-Scores-and-Fixtures)"
    )


class FbrefSource:
    """`ResultSource` over FBref's schedule pages."""

    def __init__(self, client: ProviderClient) -> None:
        self._client = client

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _schedule(self, reference: str) -> list[ParsedMatch]:
        url = schedule_url(reference, self._client.base_url)
        return parse_schedule(await self._client.get_bytes(url))

    async def fixtures(self, reference: str) -> Fixtures:
        with reference_known():
            schedule = await self._schedule(reference)
        return assemble_fixtures(PROVIDER, schedule)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        return round_observations(
            await self._schedule(reference),
            round_.slug,
            (match.external_id for match in matches),
        )


def _build(wiring: Wiring) -> FbrefSource:
    return FbrefSource(wiring.client())


DECLARATION = Provider(
    name=PROVIDER,
    title="FBref",
    build=_build,
    reference=Reference(
        "schedule page URL/path", "/en/comps/9/schedule/Premier-League-Scores-and-Fixtures"
    ),
    parser=parse_schedule,
    payload="an FBref schedule page",
    base_url=DEFAULT_BASE_URL,
    # FBref asks robots for at most 10 requests a minute and bans faster ones for a while.
    rate_limit=RateLimit(10, 60.0),
    accept=HTML_ACCEPT,
)
