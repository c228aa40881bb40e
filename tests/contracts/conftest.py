"""Which adapters each contract suite runs on.

Every port has a list of fixture names below and one parametrized fixture (`uow_factory`,
`scheduler`, `clock`, `source_case`) that picks each in turn with `request.getfixturevalue`, as
aiocache's acceptance tests do. To hold a new adapter to a contract:

1. write a fixture that returns (or yields, cleaning up after) the adapter, in this file or in a
   conftest.py that pytest loads for tests/contracts (e.g. `postgres_uow_factory`, returning a
   UnitOfWorkFactory over an empty database);
2. add its name to the port's list, wrapped in `pytest.param(..., marks=pytest.mark.integration)`
   when it needs a real server, so that `pytest -m "not integration"` still runs the rest.

Nothing else changes: every test of the suite then runs on it too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from adapters.accelerated_clock import AcceleratedClock
from adapters.local_scheduler import LocalScheduler
from adapters.memory import (
    MemoryObservationPruner,
    MemoryPlanRunStore,
    MemoryScheduler,
    MemoryUnitOfWorkFactory,
    MemoryWebhookStore,
    ScriptedSource,
    SettableClock,
)
from adapters.postgres.plan_runs import PostgresPlanRunStore
from adapters.postgres.retention import PostgresObservationPruner
from adapters.sources.shared import SharedRoundFetches
from adapters.system_clock import SystemClock
from adapters.webhooks import PostgresWebhookStore
from bestshot_domain.plan_runs import PlanRunStore
from bestshot_domain.ports import Clock, Scheduler, UnitOfWorkFactory
from bestshot_domain.retention import ObservationPruner
from bestshot_domain.subscriptions import WebhookStore
from tests.builders import T0, TEST_API, league_fixtures
from tests.contracts.provider_sources import (
    PROVIDER_SOURCES,
    ProviderCase,
    recorded_providers,  # noqa: F401 - a fixture, found by name
)
from tests.contracts.source_case import SourceCase
from tests.integration.aws.emulator import (  # noqa: F401 - fixtures, found by name
    aws_credentials,
    eventbridge,
    moto,
    moto_url,
)

Choice = object  # a fixture name, or pytest.param(name, marks=...)

UNIT_OF_WORK_FACTORIES: list[Choice] = [
    "memory_uow_factory",
    # tests/conftest.py: a fresh migrated database per test, on the session's PostgreSQL.
    pytest.param("postgres_uow_factory", marks=pytest.mark.integration),
]
SCHEDULERS: list[Choice] = [
    "memory_scheduler",
    pytest.param("eventbridge", marks=pytest.mark.integration),  # on moto's server
    pytest.param("local_scheduler", marks=pytest.mark.integration),  # in PostgreSQL
]
CLOCKS: list[Choice] = ["settable_clock", "system_clock", "accelerated_clock"]
# And every declared provider's source, each its own case (tests/contracts/provider_sources.py).
RESULT_SOURCES: list[Choice] = ["scripted_source_case", "shared_source_case", *PROVIDER_SOURCES]
# A webhook store with the unit of work factory whose outbox it reads.
WEBHOOK_STORES: list[Choice] = [
    "memory_webhooks",
    pytest.param("postgres_webhooks", marks=pytest.mark.integration),
]
WebhooksCase = tuple[WebhookStore, UnitOfWorkFactory]
PLAN_RUN_STORES: list[Choice] = [
    "memory_plan_runs",
    pytest.param("postgres_plan_runs", marks=pytest.mark.integration),
]
# The history's retention with the unit of work factory over the same storage.
PRUNERS: list[Choice] = [
    "memory_pruner",
    pytest.param("postgres_pruner", marks=pytest.mark.integration),
]
PrunerCase = tuple[ObservationPruner, UnitOfWorkFactory]


# The in-memory adapters.


@pytest.fixture
def memory_uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory()


@pytest.fixture
def memory_scheduler() -> MemoryScheduler:
    return MemoryScheduler()


@pytest.fixture
def memory_webhooks(memory_uow_factory: MemoryUnitOfWorkFactory) -> WebhooksCase:
    return MemoryWebhookStore(memory_uow_factory), memory_uow_factory


@pytest.fixture
def postgres_webhooks(
    postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
) -> WebhooksCase:
    return PostgresWebhookStore(postgres_pool), postgres_uow_factory


@pytest.fixture
def memory_plan_runs() -> MemoryPlanRunStore:
    return MemoryPlanRunStore()


@pytest.fixture
def postgres_plan_runs(postgres_pool: asyncpg.Pool) -> PostgresPlanRunStore:
    return PostgresPlanRunStore(postgres_pool)


@pytest.fixture
def memory_pruner(memory_uow_factory: MemoryUnitOfWorkFactory) -> PrunerCase:
    return MemoryObservationPruner(memory_uow_factory.store), memory_uow_factory


@pytest.fixture
def postgres_pruner(
    postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
) -> PrunerCase:
    return PostgresObservationPruner(postgres_pool), postgres_uow_factory


@pytest.fixture
def local_scheduler(postgres_pool: asyncpg.Pool) -> LocalScheduler:
    return LocalScheduler(postgres_pool, TEST_API)


@pytest.fixture
def settable_clock() -> SettableClock:
    return SettableClock(T0)


@pytest.fixture
def system_clock() -> SystemClock:
    return SystemClock()


@pytest.fixture
def accelerated_clock() -> AcceleratedClock:
    return AcceleratedClock(T0, speed=600)


@pytest.fixture
def scripted_source_case() -> SourceCase:
    source = ScriptedSource()
    source.publish("liga", league_fixtures(6))
    return SourceCase(source, "liga", unknown_reference="no-such-league")


@pytest.fixture
def shared_source_case() -> SourceCase:
    """The scripted source behind the wrapper bootstrap puts around every source."""
    source = ScriptedSource()
    source.publish("liga", league_fixtures(6))
    shared = SharedRoundFetches(source, deadline=10.0)
    return SourceCase(shared, "liga", unknown_reference="no-such-league")


# The choosers: one parametrized fixture per port.


@pytest.fixture(params=UNIT_OF_WORK_FACTORIES)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    factory: UnitOfWorkFactory = request.getfixturevalue(request.param)
    return factory


@pytest.fixture(params=SCHEDULERS)
def scheduler(request: pytest.FixtureRequest) -> Scheduler:
    chosen: Scheduler = request.getfixturevalue(request.param)
    return chosen


@pytest.fixture(params=CLOCKS)
def clock(request: pytest.FixtureRequest) -> Clock:
    chosen: Clock = request.getfixturevalue(request.param)
    return chosen


@pytest.fixture(params=RESULT_SOURCES)
async def source_case(request: pytest.FixtureRequest) -> AsyncIterator[SourceCase]:
    if isinstance(request.param, ProviderCase):
        async with request.param.case(request) as case:
            yield case
        return
    chosen: SourceCase = request.getfixturevalue(request.param)
    yield chosen


@pytest.fixture(params=WEBHOOK_STORES)
def webhooks(request: pytest.FixtureRequest) -> WebhooksCase:
    chosen: WebhooksCase = request.getfixturevalue(request.param)
    return chosen


@pytest.fixture(params=PLAN_RUN_STORES)
def plan_runs(request: pytest.FixtureRequest) -> PlanRunStore:
    chosen: PlanRunStore = request.getfixturevalue(request.param)
    return chosen


@pytest.fixture(params=PRUNERS)
def pruner(request: pytest.FixtureRequest) -> PrunerCase:
    chosen: PrunerCase = request.getfixturevalue(request.param)
    return chosen
