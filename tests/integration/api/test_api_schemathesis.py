"""schemathesis against the live API, every check on: generated requests for every documented
operation get no 5xx of ours, every answer conforms to the OpenAPI document (status, content
type, headers, body), every request the document allows is accepted (positive data) and every
one it forbids is refused (negative data).

The live API serves a seeded database (the demo league, its tables computed) and every provider
points at a loopback stub that answers nonsense (a 502, as documented), so no request leaves
the machine. The document is generated here from the same route table and provider names as the
live one (schemathesis' lazy fixture loader does not run on this pytest); a test checks that the
live server serves that very document.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from adapters.memory import (
    MemoryScheduler,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    MemoryWebhookStore,
)
from adapters.metrics import PrometheusMetrics
from adapters.postgres.admin import drop_database
from adapters.sources.demo import reference_for
from adapters.sources.providers import DECLARATIONS, PROVIDERS
from adapters.system_clock import SystemClock
from bestshot_domain.scheduling import SchedulingPolicy
from entrypoints.api import create_app
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from entrypoints.use_cases import bind_use_cases
from tests.conftest import PostgresServerForTests
from tests.integration.api.conftest import LIVE_INTERNAL_TOKEN, LIVE_JWT_SECRET
from tests.integration.api.live import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = "/api/v2/data-provider"
SEEDED = "demo-league"


def _document() -> dict[str, Any]:
    uow_factory = MemoryUnitOfWorkFactory(MemoryStore())
    demo = bind_use_cases(
        uow_factory=uow_factory,
        sources={},
        scheduler=MemoryScheduler(),
        clock=SystemClock(),
        policy=SchedulingPolicy(),
    )
    # The document depends on the providers' names only: those the live API configures.
    use_cases = attrs.evolve(demo, providers=PROVIDERS)

    async def ready() -> None:
        return None

    app = create_app(
        settings=load_settings({}),
        uow_factory=uow_factory,
        use_cases=use_cases,
        clock=SystemClock(),
        ready_check=ready,
        webhook_store=MemoryWebhookStore(uow_factory),
        metrics=PrometheusMetrics(),
    )
    document: dict[str, Any] = app.state.openapi_document()
    return document


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


class _Stub(BaseHTTPRequestHandler):
    """Every provider's address: `{}` to every request, which no provider's parser accepts."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def provider_stub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def seeded_api(postgres_server: PostgresServerForTests, provider_stub: str) -> Iterator[LiveApi]:
    name = asyncio.run(postgres_server.new_database())
    # Every provider with a base URL at the stub, as each declares its variable.
    providers = {
        declared.url_variable: provider_stub
        for declared in DECLARATIONS.values()
        if declared.url_variable is not None
    }
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": postgres_server.url(name),
            "JWT_SECRET": LIVE_JWT_SECRET,
            "INTERNAL_SERVICE_TOKEN": LIVE_INTERNAL_TOKEN,
            "BESTSHOT_DB_POOL_MAX": "4",
            "BESTSHOT_HTTP_ATTEMPTS": "1",
            "BESTSHOT_OPENFOOTBALL_HOSTS": provider_stub,
            "WORKER_ENABLED": "false",
            **providers,
        }
    )
    try:
        with LiveApi(settings) as api:
            _seed(api.url, _headers())
            yield api
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


def _headers() -> dict[str, str]:
    token = mint_admin_token(load_settings({"JWT_SECRET": LIVE_JWT_SECRET}))
    return {"Authorization": f"Bearer {token}", "X-Internal-Token": LIVE_INTERNAL_TOKEN}


def _seed(url: str, headers: dict[str, str]) -> None:
    """The demo league, imported and its tables computed, through the API."""
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        body = {
            "provider": "demo",
            "reference": reference_for(2026, SystemClock().now()),
            "label": "Demo League",
            "rules": "premier_league",
            "zones": "1:champion,18-20:relegation",
        }
        imported = client.post(f"{DATA}/tournaments", json=body)
        assert imported.status_code == 200, imported.text
        assert imported.json()["tournament"]["id"] == SEEDED
        computed = client.patch(f"{DATA}/tournaments/{SEEDED}/standings")
        assert computed.status_code == 200, computed.text


def test_the_live_api_serves_the_document_under_test(seeded_api: LiveApi) -> None:
    served = httpx.get(f"{seeded_api.url}/openapi.json", timeout=30)
    assert served.json() == DOCUMENT


def _excused(case: schemathesis.Case, response: Any) -> list[Any]:
    """The checks an answer is excused from, and why; none for almost every answer."""
    raw = case.operation.definition.raw
    if response.status_code == 502 and "502" in raw["responses"]:
        # The provider (the stub) sent nonsense: a documented answer, not a failure of ours.
        return [schemathesis.checks.not_a_server_error]
    if (
        raw.get("operationId") == "importTournament"
        and response.status_code == 422
        and response.json().get("type") == "urn:bestshot:problem:invalid-input"
    ):
        # An import the document allows, refused by the domain for what only it can know:
        # whether the provider has the reference (or the server may read it), what the label's
        # id would be, whether the zones overlap. The edge's own refusals (`validation`) of a
        # request the document allows stay failures.
        return [schemathesis.checks.positive_data_acceptance]
    if (
        raw.get("operationId") == "setMatchOverride"
        and response.status_code == 422
        and response.json().get("type") == "urn:bestshot:problem:invalid-input"
    ):
        # A state of the documented shape that no match can be in (a score on a postponed
        # match, a shoot-out after an unequal score): the lifecycle's rules, said by the domain.
        return [schemathesis.checks.positive_data_acceptance]
    if (
        raw.get("operationId") == "setTeamAliases"
        and response.status_code == 422
        and response.json().get("type") == "urn:bestshot:problem:invalid-input"
    ):
        # Names the document allows that read alike once normalized (an alias that means
        # itself, two aliases of one name, a name of punctuation only): the domain's to know.
        return [schemathesis.checks.positive_data_acceptance]
    if (
        raw.get("operationId") == "createWebhook"
        and response.status_code == 422
        and [error["field"] for error in response.json().get("errors", [])] == ["body.url"]
    ):
        # A URL of the documented shape that the outbound guard refuses: its host does not
        # resolve, or resolves to an address deliveries may not reach, which no schema can say.
        return [schemathesis.checks.positive_data_acceptance]
    return []


@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_documented_promises(
    case: schemathesis.Case, seeded_api: LiveApi
) -> None:
    headers = _headers()
    response = case.call(base_url=seeded_api.url, headers=headers)
    case.validate_response(
        response,
        excluded_checks=_excused(case, response),
        headers=headers,
        transport_kwargs={"base_url": seeded_api.url, "headers": headers},
    )
