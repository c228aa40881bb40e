"""The composition root: every port chosen and wired in one place (cosmicpython's bootstrap).

`bootstrap(settings)` is an async context manager: it opens what the service needs (the database
through `entrypoints.database`: the embedded PostgreSQL when no `DATABASE_URL` is set, migrated
and pooled; the provider clients; the scheduler) and closes it all on the way out. Each port is
a keyword argument with the production choice as default, so tests hand in-memory adapters to
the same wiring.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
from attrs import field, frozen

from adapters.extras import needs_extra
from adapters.local_scheduler import LocalScheduler
from adapters.memory import (
    MemoryObservationPruner,
    MemoryPlanRunStore,
    MemoryScheduler,
    MemoryUnitOfWorkFactory,
    MemoryWebhookStore,
)
from adapters.metrics import PrometheusMetrics
from adapters.postgres.errors import storage_errors
from adapters.postgres.plan_runs import PostgresPlanRunStore
from adapters.postgres.pool import bounded_connection
from adapters.postgres.retention import PostgresObservationPruner
from adapters.sources.providers import PROVIDERS, build_source
from adapters.sources.shared import SharedRoundFetches
from adapters.system_clock import SystemClock
from adapters.webhooks import PostgresWebhookStore
from bestshot_domain.plan_runs import PlanRunStore
from bestshot_domain.ports import Clock, ResultSource, Scheduler, UnitOfWorkFactory
from bestshot_domain.retention import ObservationPruner
from bestshot_domain.subscriptions import WebhookStore
from entrypoints.database import open_database
from entrypoints.settings import SchedulerKind, Settings, load_settings
from entrypoints.use_cases import UseCases, bind_use_cases

if TYPE_CHECKING:
    # The app and the console are imported by `Service.app()`: the commands that do not serve
    # (`bestshot worker`, `schedules`, `dispatcher`) load no Starlette. Likewise the caller and
    # the dispatcher's HTTP client (httpx) by `worker()` and `dispatcher()`, and the read path's
    # models by the console: `bestshot schedules` and `disputes` load none of them.
    from starlette.applications import Starlette

    from adapters.local_scheduler import LocalWorker
    from adapters.webhooks import WebhookDispatcher
    from entrypoints.api.auth import Authenticator
    from entrypoints.api.operations import Operation
    from entrypoints.api.queries import ScheduleReader
    from entrypoints.console import Console

logger = logging.getLogger("bestshot.bootstrap")

ReadyCheck = Callable[[], Awaitable[None]]


@frozen
class Service:
    """Everything wired: what the API and the CLI need to serve."""

    settings: Settings
    uow_factory: UnitOfWorkFactory
    use_cases: UseCases
    clock: Clock
    scheduler: Scheduler
    sources: Mapping[str, ResultSource]
    ready_check: ReadyCheck
    webhooks: WebhookStore
    pool: asyncpg.Pool | None = None  # None when storage was handed in (tests)
    # The scheduler again when it is the local one: its records and its worker (None otherwise).
    local_scheduler: LocalScheduler | None = None
    # What the use cases, the worker and the dispatcher count, served at /metrics.
    metrics: PrometheusMetrics = field(factory=PrometheusMetrics)
    # The plans answered with 202: in the database, so that every server process answers them.
    plan_runs: PlanRunStore = field(factory=MemoryPlanRunStore)

    def worker(self, *, poll_interval: timedelta | None = None) -> LocalWorker | None:
        """The local scheduler's worker, firing through the caller; None for other schedulers."""
        if self.local_scheduler is None:
            return None
        from adapters.local_scheduler import LocalWorker, caller_fire  # noqa: PLC0415 - httpx

        settings = self.settings
        config = settings.worker.config(poll_interval=poll_interval)
        # The first token: during a rotation the API accepts each, and the new one comes first.
        token = settings.internal_tokens()[0]
        return LocalWorker(
            self.local_scheduler,
            fire=caller_fire(
                token, settings.service.api_domain, read_timeout=settings.worker.caller_read_timeout
            ),
            clock=self.clock,
            config=config,
            metrics=self.metrics,
        )

    def dispatcher(self, *, poll_seconds: float | None = None) -> WebhookDispatcher:
        """The webhook dispatcher over this service's store; the caller closes it (`aclose`)."""
        from adapters.webhooks import WebhookDispatcher  # noqa: PLC0415 - httpx
        from entrypoints.api.schemas.events import event_body  # noqa: PLC0415 - the API's models

        config = self.settings.webhook_config(poll_seconds=poll_seconds)
        return WebhookDispatcher(self.webhooks, event_body, config=config, metrics=self.metrics)

    def schedule_reader(self) -> ScheduleReader:
        """What the console's schedules page reads: the local scheduler's records with their
        state, or any other scheduler's pending schedules through its port."""
        from entrypoints.api.queries import local_schedules, planned_schedules  # noqa: PLC0415

        if self.local_scheduler is not None:
            return local_schedules(self.local_scheduler, self.settings.secret_values())
        return planned_schedules(self.scheduler)

    def app(
        self,
        *,
        extra_operations: tuple[Operation, ...] = (),
        authenticator: Authenticator | None = None,
    ) -> Starlette:
        from entrypoints.api.app import create_app  # noqa: PLC0415 - Starlette, only to serve

        return create_app(
            settings=self.settings,
            uow_factory=self.uow_factory,
            use_cases=self.use_cases,
            clock=self.clock,
            ready_check=self.ready_check,
            webhook_store=self.webhooks,
            authenticator=authenticator,
            extra_operations=extra_operations,
            metrics=self.metrics,
            pages=self.console().routes(),
            plan_runs=self.plan_runs,
        )

    def console(self) -> Console:
        """The console's pages, over the same read path as the API's public reads."""
        from entrypoints.api.queries import Queries, WebhookReads  # noqa: PLC0415
        from entrypoints.console import Console  # noqa: PLC0415 - Starlette, only to serve

        return Console(
            Queries(self.uow_factory),
            clock=self.clock,
            schedules=self.schedule_reader(),
            webhooks=WebhookReads(self.webhooks, self.settings.secret_values()),
        )


# A load balancer's health check gives up after a few seconds: /ready answers within one,
# however long BESTSHOT_DB_ACQUIRE_TIMEOUT lets requests wait.
READY_WAIT_MAX = 1.0


def pool_ready_check(pool: asyncpg.Pool, wait: float = READY_WAIT_MAX) -> ReadyCheck:
    """`SELECT 1` on a connection of the pool, waited for `wait` s at most: StorageBusy when
    none came free (/ready then says `busy`), StorageUnavailable when the database fails."""

    async def database_answers() -> None:
        with storage_errors():
            async with bounded_connection(pool, wait) as connection:
                await connection.fetchval("SELECT 1")

    return database_answers


def unit_of_work_ready_check(uow_factory: UnitOfWorkFactory) -> ReadyCheck:
    async def storage_answers() -> None:
        async with uow_factory() as uow:
            await uow.tournaments.list()

    return storage_answers


async def _scheduler(
    settings: Settings, stack: AsyncExitStack, pool: asyncpg.Pool | None
) -> Scheduler:
    if settings.scheduling.kind is SchedulerKind.EVENTBRIDGE:
        with needs_extra("aws", "SCHEDULER_KIND=eventbridge", "aiobotocore", "botocore"):
            from adapters.eventbridge.scheduler import (  # noqa: PLC0415 - aiobotocore when chosen
                EventBridgeScheduler,
            )

        config = settings.scheduling.eventbridge(api_base_url=settings.service.api_domain)
        scheduler: Scheduler = await stack.enter_async_context(EventBridgeScheduler(config))
        return scheduler
    if pool is None:
        # Storage was handed in (tests on in-memory adapters): no table to keep schedules in.
        return MemoryScheduler()
    return LocalScheduler(
        pool,
        settings.service.api_domain,
        flexible_window=settings.scheduling.flexible_window,
        acquire_timeout=settings.database.acquire_timeout,  # the API's bounded wait
    )


def _pruner(pool: asyncpg.Pool | None, uow_factory: UnitOfWorkFactory) -> ObservationPruner | None:
    """The history's retention over the storage chosen (none for a unit of work handed in
    that is neither)."""
    if pool is not None:
        return PostgresObservationPruner(pool)
    if isinstance(uow_factory, MemoryUnitOfWorkFactory):
        return MemoryObservationPruner(uow_factory.store)
    return None


@asynccontextmanager
async def bootstrap(
    settings: Settings | None = None,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    sources: Mapping[str, ResultSource] | None = None,
    scheduler: Scheduler | None = None,
    clock: Clock | None = None,
    ready_check: ReadyCheck | None = None,
    webhooks: WebhookStore | None = None,
    metrics: PrometheusMetrics | None = None,
    plan_runs: PlanRunStore | None = None,
    migrate: bool = True,
) -> AsyncIterator[Service]:
    """Wire the service; every argument left out gets its production choice."""
    settings = settings if settings is not None else load_settings()
    clock = clock if clock is not None else SystemClock()
    metrics = metrics if metrics is not None else PrometheusMetrics()
    async with AsyncExitStack() as stack:
        pool: asyncpg.Pool | None = None
        if uow_factory is None:
            database = await stack.enter_async_context(
                open_database(settings.database.config(), migrate=migrate)
            )
            pool, uow_factory = database.pool, database.uow_factory
        if sources is None:
            config = settings.sources()
            # Each round fetched within the deadline, once at a time: a caller that gave up and
            # asks again waits for the fetch under way rather than starting another.
            deadline = settings.providers.http_deadline_seconds
            built = {
                name: SharedRoundFetches(build_source(name, config, clock=clock), deadline)
                for name in PROVIDERS
            }
            for source in built.values():
                stack.push_async_callback(source.aclose)
            sources = built
        if scheduler is None:
            scheduler = await _scheduler(settings, stack, pool)
        if ready_check is None:
            ready_check = (
                pool_ready_check(pool, min(settings.database.acquire_timeout, READY_WAIT_MAX))
                if pool is not None
                else unit_of_work_ready_check(uow_factory)
            )
        if webhooks is None:
            # Beside the outbox it reads: the database's, or the in-memory one handed in.
            webhooks = (
                PostgresWebhookStore(pool, acquire_timeout=settings.database.acquire_timeout)
                if pool is not None
                else MemoryWebhookStore(uow_factory)
            )
        if plan_runs is None:
            plan_runs = PostgresPlanRunStore(pool) if pool is not None else MemoryPlanRunStore()
        use_cases = bind_use_cases(
            uow_factory=uow_factory,
            sources=sources,
            scheduler=scheduler,
            clock=clock,
            policy=settings.scheduling_policy(),
            verify=settings.scheduling.verify_policy(),
            fetch_deadline=settings.providers.http_deadline_seconds,
            plan_concurrency=settings.scheduling.plan_concurrency,
            metrics=metrics,
            pruner=_pruner(pool, uow_factory),
            observation_retention=settings.database.observation_retention(),
        )
        yield Service(
            settings=settings,
            uow_factory=uow_factory,
            use_cases=use_cases,
            clock=clock,
            scheduler=scheduler,
            sources=sources,
            ready_check=ready_check,
            webhooks=webhooks,
            pool=pool,
            # The one place that knows which scheduler was chosen.
            local_scheduler=scheduler if isinstance(scheduler, LocalScheduler) else None,
            metrics=metrics,
            plan_runs=plan_runs,
        )


def describe(service: Service) -> dict[str, Any]:
    """What was wired, for the start-up log line (no secret in it)."""
    return {
        "node_env": service.settings.service.node_env.value,
        "database": "configured" if service.settings.database.url else "embedded",
        "scheduler": type(service.scheduler).__name__,
        "sources": sorted(service.sources),
    }
