"""The `Scheduler` port on AWS EventBridge Scheduler, through aiobotocore.

Each schedule invokes the Lambda `caller-scores-and-standings` with its `bestshot_routes.Target`
as input, and deletes itself once fired: the group holds only what is pending.
`ensure` takes "already exists" as the normal case: the original crashed on a same-day re-run.
A schedule is stored under its plan name plus a digest of its content (`requests`), so that a
re-run knows the unchanged ones from the group's listing alone (`listing`).
tenacity retries throttling, 5xx and dropped connections; botocore's own retries are off, so
the two never multiply. What is left becomes a domain error.
Deployment: README, "Deploying", and infra/README.md.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from attrs import field, frozen
from botocore.exceptions import BotoCoreError, ClientError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_after_delay

from adapters.eventbridge.calls import SchedulerUnavailable, backoff, domain_error, is_transient
from adapters.eventbridge.expressions import ExpressionStyle
from adapters.eventbridge.listing import Listed, Listings
from adapters.eventbridge.requests import ROOM, as_compared, plan_name, schedule_request
from adapters.eventbridge.requests import planned as read_back
from bestshot_domain.errors import Conflict, InvalidInput, NotFound
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule, Survey
from bestshot_routes import Origin

if TYPE_CHECKING:
    from types_aiobotocore_scheduler.client import EventBridgeSchedulerClient
    from types_aiobotocore_scheduler.type_defs import (
        GetScheduleOutputTypeDef,
        ListSchedulesInputTypeDef,
    )

__all__ = [
    "DEFAULT_GROUP",
    "EventBridgeConfig",
    "EventBridgeScheduler",
    "SchedulerUnavailable",
]

log = logging.getLogger(__name__)

DEFAULT_GROUP = "scores-and-standings-routine"

T = TypeVar("T")


@frozen
class EventBridgeConfig:
    """Where the schedules go and what they fire. Built by the composition root from settings."""

    lambda_arn: str
    role_arn: str  # the role EventBridge Scheduler assumes to invoke the Lambda
    api_base_url: str = field()  # the API the Lambda calls back: where the targets' URLs point
    group: str = DEFAULT_GROUP
    dead_letter_arn: str | None = None  # an SQS queue for invocations that never succeeded
    region: str | None = None  # None: the usual AWS chain (AWS_REGION, the profile)
    endpoint_url: str | None = None  # an emulator (moto) in tests
    retry_attempts: int = field(default=5)  # our calls to AWS, on throttling and 5xx
    call_deadline: float = 60.0  # seconds for one call with all its retries
    concurrency: int = 16  # calls at once when planning or reading (and pooled connections)
    flexible_window_minutes: int = 0  # EventBridge may fire up to this late (0: on the minute)
    backoff_initial: float = 0.2  # seconds before the first retry, doubling, with jitter
    backoff_max: float = 5.0
    target_retry_attempts: int = 3  # EventBridge's own retries when invoking the Lambda
    target_max_event_age: int = 3600  # seconds after which EventBridge gives up on a firing
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    expression_style: ExpressionStyle = ExpressionStyle.AT

    @api_base_url.validator
    def _an_origin(self, _attribute: object, value: str) -> None:
        try:
            Origin.parse(value)
        except ValueError as error:
            raise InvalidInput(str(error)) from None

    @property
    def origin(self) -> Origin:
        return Origin.parse(self.api_base_url)

    @retry_attempts.validator
    def _at_least_one(self, _attribute: object, value: int) -> None:
        if value < 1:
            raise InvalidInput(f"retry_attempts must be at least 1, got {value}")


class EventBridgeScheduler:
    """`Scheduler` on EventBridge Scheduler.

    Inside `async with`, one client (and its connection pool) serves the whole block; outside
    one, each operation opens a short-lived client.
    """

    def __init__(self, config: EventBridgeConfig, *, session: AioSession | None = None) -> None:
        self._config = config
        self._session = session or get_session()
        self._stack: AsyncExitStack | None = None
        self._client: EventBridgeSchedulerClient | None = None
        self._group_ready = False
        self._group_lock = asyncio.Lock()
        self._listings = Listings()

    @property
    def config(self) -> EventBridgeConfig:
        return self._config

    def stored_name(self, schedule: PlannedSchedule) -> str:
        """The name `schedule` has in EventBridge: its own, then the digest of its content."""
        return str(self._request(schedule)["Name"])

    async def __aenter__(self) -> Self:
        stack = AsyncExitStack()
        self._client = await stack.enter_async_context(self._new_client())
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    # The port.

    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        async with self._connected() as client:
            await self._ensure_group(client)
            request = self._request(schedule)
            stored = request["Name"]
            if stored == schedule.name:  # too long for a digest: read to compare, as ever
                return await self._put(client, request, create=not exists)
            found = await self._found(client, schedule.name, exists)
            mine = next((listed for listed in found if listed.stored == stored), None)
            others = [listed.stored for listed in found if listed is not mine]
            if mine is not None and mine.holds(request):
                outcome = EnsureOutcome.UNCHANGED
            elif mine is None and schedule.name in others and await self._holds(client, request):
                # Stored before names carried a digest, as planned: left to fire as it is.
                others.remove(schedule.name)
                outcome = EnsureOutcome.UNCHANGED
            else:
                outcome = await self._put(client, request, create=mine is None)
            # Other contents under this plan name: replaced by the new one, so that only what is
            # planned fires (deleted after it exists: one too many for a moment, never too few).
            for name in others:
                with suppress(NotFound):
                    await self._delete(client, name)
            replaced = others and outcome is EnsureOutcome.CREATED
            return EnsureOutcome.UPDATED if replaced else outcome

    async def list(self) -> Sequence[PlannedSchedule]:
        async with self._connected() as client:
            return await self._read(client, [s.stored for s in await self._listed(client)])

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        """One listing of the group, kept for the plan's `ensure`s; only the schedules `skip`
        leaves are read (ListSchedules omits the time and the target), then kept when they fire
        in [start, end)."""
        async with self._connected() as client:
            listed = await self._listed(client)
            self._listings.keep(listed)
            found = await self._read(client, [s.stored for s in listed if not skip(s.name)])
        pending = tuple(s for s in found if start <= s.fire_at < end)
        return Survey(names=frozenset(s.name for s in listed), pending=pending)

    async def delete(self, name: str) -> None:
        """Every schedule stored for plan name `name` (one, but for a moment while replaced)."""
        async with self._connected() as client:
            stored = [name]
            if len(name) <= ROOM:
                listed = await self._listed(client, prefix=name)
                stored = [s.stored for s in listed if s.name == name] or stored
            missing: builtins.list[NotFound] = []
            for each in stored:
                try:
                    await self._delete(client, each)
                except NotFound as error:  # fired (and gone) since the listing
                    missing.append(error)
            if len(missing) == len(stored):
                raise missing[0]

    # Reading and writing one schedule.

    async def _found(
        self, client: EventBridgeSchedulerClient, name: str, exists: bool | None
    ) -> tuple[Listed, ...]:
        """The schedules stored for plan name `name`: the survey's listing, when a survey's hint
        comes with one that agrees with it, else a listing of the name (one call)."""
        listed = self._listings.get(name)
        if exists is not None and listed is not None and bool(listed) == exists:
            return listed
        return tuple(s for s in await self._listed(client, prefix=name) if s.name == name)

    async def _put(
        self, client: EventBridgeSchedulerClient, request: dict[str, Any], *, create: bool
    ) -> EnsureOutcome:
        """Create `request`'s schedule, or read, compare and update the one there. Created or
        found: a schedule deleted between our create and our read (it fired, or an operator
        removed it) sends us round once more, never forever. One listed is read first
        (`create=False`): its create would only be refused."""
        name = request["Name"]
        for _ in range(3):
            if create:
                try:
                    await self._call("CreateSchedule", lambda: client.create_schedule(**request))
                except Conflict:
                    pass
                else:
                    return EnsureOutcome.CREATED
            create = True
            existing = await self._get(client, name)
            if existing is None:
                continue
            if as_compared(existing) == as_compared(request):
                return EnsureOutcome.UNCHANGED
            await self._call("UpdateSchedule", lambda: client.update_schedule(**request))
            return EnsureOutcome.UPDATED
        raise SchedulerUnavailable(
            f"EventBridge Scheduler: schedule {name} kept appearing and disappearing"
        )

    async def _holds(self, client: EventBridgeSchedulerClient, request: dict[str, Any]) -> bool:
        """Whether the schedule under the plan's own name (no digest) holds `request`."""
        existing = await self._get(client, plan_name(request["Name"]))
        return existing is not None and as_compared(existing) == as_compared(request)

    async def _get(
        self, client: EventBridgeSchedulerClient, name: str
    ) -> GetScheduleOutputTypeDef | None:
        try:
            return await self._call(
                "GetSchedule", lambda: client.get_schedule(Name=name, GroupName=self._group)
            )
        except NotFound:  # fired and deleted itself, or removed by hand
            return None

    async def _delete(self, client: EventBridgeSchedulerClient, name: str) -> None:
        await self._call(
            "DeleteSchedule", lambda: client.delete_schedule(Name=name, GroupName=self._group)
        )

    async def _read(
        self, client: EventBridgeSchedulerClient, names: Sequence[str]
    ) -> builtins.list[PlannedSchedule]:
        # A bounded number at a time: a burst of GetSchedule calls is exactly what gets an
        # account throttled (and the throttled ones are retried, see _call).
        limit = asyncio.Semaphore(self._config.concurrency)

        async def read(name: str) -> GetScheduleOutputTypeDef | None:
            async with limit:
                return await self._get(client, name)

        found = await asyncio.gather(*(read(name) for name in names))
        origin = self._config.origin
        planned = [schedule for raw in found if raw and (schedule := read_back(raw, origin))]
        return sorted(planned, key=lambda schedule: (schedule.fire_at, schedule.name))

    # The plumbing.

    @property
    def _group(self) -> str:
        return self._config.group

    def _new_client(self) -> Any:
        config = self._config
        return self._session.create_client(
            "scheduler",
            region_name=config.region,
            endpoint_url=config.endpoint_url,
            config=AioConfig(
                retries={"total_max_attempts": 1},  # tenacity retries, see _call
                max_pool_connections=max(10, config.concurrency),
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
            ),
        )

    @asynccontextmanager
    async def _connected(self) -> AsyncIterator[EventBridgeSchedulerClient]:
        if self._client is not None:
            yield self._client
            return
        async with self._new_client() as client:
            yield client

    async def _call(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        config = self._config
        # Throttling is retried with backoff and jitter, until the attempts or the call's
        # deadline run out: whichever comes first; the deadline also cuts a slow attempt.
        retrying = AsyncRetrying(
            stop=stop_after_attempt(config.retry_attempts) | stop_after_delay(config.call_deadline),
            wait=backoff(config.backoff_initial, config.backoff_max),
            retry=retry_if_exception(is_transient),
            reraise=True,
        )
        try:
            async with asyncio.timeout(config.call_deadline):
                async for attempt in retrying:
                    with attempt:
                        return await call()
        except (ClientError, BotoCoreError) as error:
            raise domain_error(operation, error) from error
        except TimeoutError:
            raise SchedulerUnavailable(
                f"EventBridge Scheduler {operation}: no answer within {config.call_deadline:g} s"
            ) from None
        raise AssertionError("tenacity neither returned nor raised")  # pragma: no cover

    async def _ensure_group(self, client: EventBridgeSchedulerClient) -> None:
        if self._group_ready:
            return
        async with self._group_lock:  # once, not once per concurrent ensure
            if not self._group_ready:
                await self._make_group(client)

    async def _make_group(self, client: EventBridgeSchedulerClient) -> None:
        try:
            await self._call(
                "GetScheduleGroup", lambda: client.get_schedule_group(Name=self._group)
            )
        except NotFound:
            with suppress(Conflict):  # another process made it first: just as good
                await self._call(
                    "CreateScheduleGroup",
                    lambda: client.create_schedule_group(
                        Name=self._group, Tags=[{"Key": "app", "Value": "bestshot"}]
                    ),
                )
        self._group_ready = True

    async def _listed(
        self, client: EventBridgeSchedulerClient, *, prefix: str | None = None
    ) -> builtins.list[Listed]:
        """The group's schedules (those whose names start with `prefix`), 100 a page."""
        listed: builtins.list[Listed] = []
        request: ListSchedulesInputTypeDef = {"GroupName": self._group, "MaxResults": 100}
        if prefix is not None:
            request["NamePrefix"] = prefix
        while True:
            try:
                page = await self._call("ListSchedules", partial(client.list_schedules, **request))
            except NotFound:  # no group yet, so nothing pending
                return listed
            listed.extend(Listed.of(summary) for summary in page.get("Schedules", []))
            self._group_ready |= bool(listed)  # a group with schedules in it exists
            if not (token := page.get("NextToken")):
                return listed
            request = {**request, "NextToken": token}

    def _request(self, schedule: PlannedSchedule) -> dict[str, Any]:
        config = self._config
        return schedule_request(
            schedule,
            origin=config.origin,
            style=config.expression_style,
            lambda_arn=config.lambda_arn,
            role_arn=config.role_arn,
            group=config.group,
            retry_attempts=config.target_retry_attempts,
            max_event_age=config.target_max_event_age,
            dead_letter_arn=config.dead_letter_arn,
            flexible_window=config.flexible_window_minutes,
        )
