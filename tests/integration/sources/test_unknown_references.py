"""A provider's 404 for a tournament's own page means it knows no such tournament (the port's
NotFound, the API's 404); a 404 anywhere else is a provider not answering usefully (502)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import httpx
import pytest

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import build_source
from bestshot_domain.errors import NotFound, SourceError, SourceUnavailable
from bestshot_domain.model import Round, RoundKind
from entrypoints.bootstrap import bootstrap
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.contracts.sources.recorded import DATA
from tests.integration.sources.sources_loopback import LoopbackServer, Reply
from tests.source_configs import one

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 22, tzinfo=UTC)
POLICY = HttpPolicy(attempts=1, rate_limit=RateLimit(1000, 1.0))
MATCHES = "/v4/competitions/DED/matches"


async def test_a_round_missing_at_the_provider_is_unavailable_not_unknown(
    server: LoopbackServer,
) -> None:
    # The competition answers, its matchday 404s: the tournament exists, the provider failed.
    server.script(MATCHES, Reply(404, b'{"message": "gone"}'))
    config = one("football_data", url=server.url, policy=POLICY)
    source = build_source("football_data", config, clock=SettableClock(NOW))
    round_ = Round("t", "matchday-1", "Matchday 1", 1, RoundKind.LEAGUE, "REGULAR_SEASON:1")
    try:
        with pytest.raises(SourceUnavailable) as raised:
            await source.round_observations("DED/2024", round_, [])
        with pytest.raises(NotFound) as unknown:
            await source.fixtures("DED/2024")
    finally:
        await source.aclose()
    assert not isinstance(raised.value, NotFound)
    # Still a provider's error, naming it and the path only.
    assert isinstance(unknown.value, SourceError)
    assert str(unknown.value) == f"football_data: HTTP 404 Not Found for {MATCHES}"


async def test_an_import_of_a_tournament_the_provider_does_not_know_is_404(
    server: LoopbackServer,
) -> None:
    server.script(MATCHES, Reply.file(DATA / "football_data_org/v4_CompetitionMatches.json"))
    settings = load_settings({"API_DOMAIN": "https://api.bestshot.test"})
    admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
    clock = SettableClock(NOW)
    config = one("football_data", url=server.url, policy=POLICY)
    source = build_source("football_data", config, clock=clock)
    uow_factory = MemoryUnitOfWorkFactory()
    async with (
        contextlib.aclosing(source),
        bootstrap(
            settings,
            uow_factory=uow_factory,
            sources={"football_data": source},
            scheduler=MemoryScheduler(),
            clock=clock,
        ) as service,
    ):
        transport = httpx.ASGITransport(app=service.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = {"provider": "football_data", "label": "Eredivisie", "rules": "premier_league"}
            unknown = await client.post(
                "/api/v2/data-provider/tournaments",
                json={**body, "reference": "XX/2024"},
                headers=admin,
            )
            known = await client.post(
                "/api/v2/data-provider/tournaments",
                json={**body, "reference": "DED/2024"},
                headers=admin,
            )
            listed = await client.get("/api/v2/tournaments")
    assert unknown.status_code == 404, unknown.text
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "/v4/competitions/XX/matches" in unknown.json()["detail"]
    assert known.status_code == 200, known.text
    # Nothing of the unknown one was written.
    assert [t["id"] for t in listed.json()["tournaments"]] == [known.json()["tournament"]["id"]]
