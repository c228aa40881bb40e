"""The Starlette app factory. It wires nothing itself: the composition root hands it the unit of
work factory, the use cases and the readiness check (cosmicpython's style), so tests build the
same app over other adapters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import timedelta
from importlib.metadata import version
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.metrics import PrometheusMetrics
from bestshot_domain.plan_runs import PlanRunStore
from bestshot_domain.ports import Clock, UnitOfWorkFactory
from bestshot_domain.subscriptions import WebhookStore
from bestshot_routes import API_PREFIX
from entrypoints.api.auth import Authenticator
from entrypoints.api.caching import CachedReads, ReadCache
from entrypoints.api.middleware import (
    BodyDeadlineMiddleware,
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
)
from entrypoints.api.openapi import openapi_document
from entrypoints.api.operations import Endpoint, Operation, Security
from entrypoints.api.plans import PlanRuns
from entrypoints.api.problems import EXCEPTION_HANDLERS
from entrypoints.api.queries import Queries
from entrypoints.api.routes import (
    data_provider,
    events,
    ops,
    overrides,
    reads,
    verification,
    webhooks,
)
from entrypoints.api.routes import metrics as metrics_routes
from entrypoints.api.routes.ops import ReadyCheck
from entrypoints.api.schemas.events import SUMMARIES, WEBHOOK_BODIES
from entrypoints.schedule_view import ScheduleView
from entrypoints.settings import Settings
from entrypoints.use_cases import UseCases

__all__ = ["API_PREFIX", "Lifespan", "create_app"]


class Lifespan(Protocol):
    def __call__(self, app: Starlette) -> AbstractAsyncContextManager[Any]: ...


def _guarded(operation: Operation, authenticator: Authenticator) -> Endpoint:
    """The endpoint behind its credential check."""
    endpoint = operation.endpoint
    if operation.security is Security.ADMIN:

        async def admin_only(request: Request) -> Response:
            request.state.claims = await authenticator.check_admin(request)
            return await endpoint(request)

        return admin_only
    if operation.security is Security.INTERNAL:

        async def internal_only(request: Request) -> Response:
            authenticator.check_internal(request)
            return await endpoint(request)

        return internal_only
    if operation.security is Security.ADMIN_OR_INTERNAL:

        async def admin_or_internal(request: Request) -> Response:
            if authenticator.presents_internal(request):
                authenticator.check_internal(request)
            else:
                request.state.claims = await authenticator.check_admin(request)
            return await endpoint(request)

        return admin_or_internal
    return endpoint


def _routes(operations: Sequence[Operation], authenticator: Authenticator) -> list[BaseRoute]:
    """One Starlette route per path, dispatching on the method, so that a wrong method gets a
    405 whose Allow header lists every method of the path."""
    by_path: dict[str, dict[str, Endpoint]] = defaultdict(dict)
    for operation in operations:
        by_path[operation.path][operation.method] = _guarded(operation, authenticator)
    routes: list[BaseRoute] = []
    for path, endpoints in by_path.items():
        if "GET" in endpoints:
            endpoints.setdefault("HEAD", endpoints["GET"])

        async def dispatch(
            request: Request, endpoints: dict[str, Endpoint] = endpoints
        ) -> Response:
            return await endpoints[request.method](request)

        routes.append(Route(path, dispatch, methods=list(endpoints)))
    return routes


def _closing_plans(plans: PlanRuns, lifespan: Lifespan | None) -> Lifespan:
    """`lifespan`, with the plans under way stopped and recorded as interrupted before what it
    opened (the pool they are recorded through) closes."""

    @asynccontextmanager
    async def closing(app: Starlette) -> AsyncIterator[Any]:
        async with AsyncExitStack() as stack:
            state = None if lifespan is None else await stack.enter_async_context(lifespan(app))
            try:
                yield state
            finally:
                await plans.aclose()

    return closing


def create_app(
    *,
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    use_cases: UseCases,
    clock: Clock,
    ready_check: ReadyCheck,
    webhook_store: WebhookStore,
    authenticator: Authenticator | None = None,
    extra_operations: Sequence[Operation] = (),
    lifespan: Lifespan | None = None,
    metrics: PrometheusMetrics | None = None,
    pages: Sequence[BaseRoute] = (),
    plan_runs: PlanRunStore | None = None,
) -> Starlette:
    """The API over wired use cases. The clock decides "today" for the scheduler endpoint;
    `extra_operations` adds routes (the benchmark's baselines); `lifespan` opens and closes what
    the composition root owns, when the server rather than the caller should; `metrics`, when
    given and METRICS_ENABLED, is served at /metrics; `pages` are routes outside the API's
    document (the console's); `plan_runs` keeps the plans answered with 202 (None: in memory,
    this process's only)."""
    authenticator = authenticator or Authenticator(settings)
    operations: list[Operation] = []

    def document() -> dict[str, Any]:
        return openapi_document(
            operations,
            title="bestshot",
            version=version("bestshot"),
            server_url=settings.service.api_domain,
            webhooks={str(kind): (SUMMARIES[kind], body) for kind, body in WEBHOOK_BODIES.items()},
        )

    operations.extend(ops.operations(ready_check, document))
    cache = ReadCache(settings.service.read_cache_seconds)
    plans = PlanRuns(
        use_cases.create_daily_schedules,
        plan_runs,
        budget=settings.scheduling.plan_budget_seconds,
        retention=timedelta(days=settings.scheduling.plan_retention_days),
    )
    operations.extend(
        data_provider.operations(use_cases, clock, cache, ScheduleView.of(settings), plans)
    )
    cached_reads = CachedReads(cache, settings.service.public_cache_max_age)
    queries = Queries(uow_factory)
    operations.extend(reads.operations(queries, cached_reads, API_PREFIX))
    operations.extend(events.operations(uow_factory, API_PREFIX))
    operations.extend(overrides.operations(use_cases, uow_factory, cache, API_PREFIX))
    operations.extend(verification.operations(use_cases, queries, cached_reads, cache, API_PREFIX))
    operations.extend(webhooks.operations(webhook_store, settings.webhook_config().url_policy))
    if metrics is not None and settings.observability.metrics_enabled:
        token = settings.observability.metrics_token
        secret = None if token is None else token.get_secret_value()
        operations.extend(metrics_routes.operations(metrics, secret))
    operations.extend(extra_operations)

    app = Starlette(
        routes=[*_routes(operations, authenticator), *pages],
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.service.max_body_bytes),
            Middleware(BodyDeadlineMiddleware, seconds=settings.service.request_body_timeout),
        ],
        exception_handlers=dict(EXCEPTION_HANDLERS),
        lifespan=_closing_plans(plans, lifespan),
    )
    app.state.openapi_document = document  # the document without a request (tests, tools)
    app.state.plans = plans  # plans under way: a server without lifespan stops them itself
    return app
