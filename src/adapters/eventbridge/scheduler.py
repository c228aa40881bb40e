"""The `Scheduler` port on AWS EventBridge Scheduler, through aiobotocore.

Each schedule invokes the Lambda `caller-scores-and-standings` with its `bestshot_routes.Target`
as input, and deletes itself once fired: the group holds only what is pending.
`ensure` takes "already exists" as the normal case: the original crashed on a same-day re-run.
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
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from adapters.eventbridge.expressions import ExpressionStyle
from adapters.eventbridge.requests import as_compared, schedule_request
from adapters.eventbridge.requests import planned as read_back
from bestshot_domain.errors import (
    BestshotError,
    Conflict,
    InvalidInput,
    NotFound,
    StorageUnavailable,
)
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


class SchedulerUnavailable(StorageUnavailable):
    """EventBridge Scheduler could not be reached, refused us, or kept throttling."""


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


# Error codes worth another try: the service asked us to slow down or failed on its side.
_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)


def backoff(initial: float, maximum: float) -> wait_base:
    """Exponential backoff from `initial` seconds up to `maximum`, plus up to `initial` of jitter.

    The jitter keeps many clients throttled at once from coming back in step.
    """
    return wait_exponential(multiplier=initial, max=maximum) + wait_random(0, initial)


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in _TRANSIENT_CODES or status == 429 or status >= 500
    # Connection refused or reset, timeouts: botocore raises these outside ClientError.
    return isinstance(error, BotoCoreError) and _is_connection_error(error)


def _is_connection_error(error: BotoCoreError) -> bool:
    return isinstance(
        error,
        EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError,
    )


def _domain_error(operation: str, error: ClientError | BotoCoreError) -> BestshotError:
    if isinstance(error, BotoCoreError):
        return SchedulerUnavailable(f"EventBridge Scheduler {operation}: {error}")
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", "")
    text = f"EventBridge Scheduler {operation}: {code}: {message}".rstrip(": ")
    if code == "ConflictException":
        return Conflict(text)
    if code == "ResourceNotFoundException":
        return NotFound(text)
    if code == "ValidationException":
        return InvalidInput(text)
    return SchedulerUnavailable(text)


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

    @property
    def config(self) -> EventBridgeConfig:
        return self._config

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
            # Created or found: a schedule deleted between our create and our read (it fired,
            # or an operator removed it) sends us round once more, never forever. One a survey
            # listed is read first: its create would only be refused.
            create = not exists
            for _ in range(3):
                if create:
                    try:
                        await self._call(
                            "CreateSchedule", lambda: client.create_schedule(**request)
                        )
                    except Conflict:
                        pass
                    else:
                        return EnsureOutcome.CREATED
                create = True
                try:
                    existing = await self._call(
                        "GetSchedule",
                        lambda: client.get_schedule(Name=schedule.name, GroupName=self._group),
                    )
                except NotFound:
                    continue
                if as_compared(existing) == as_compared(request):
                    return EnsureOutcome.UNCHANGED
                await self._call("UpdateSchedule", lambda: client.update_schedule(**request))
                return EnsureOutcome.UPDATED
        raise SchedulerUnavailable(
            f"EventBridge Scheduler: schedule {schedule.name} kept appearing and disappearing"
        )

    async def list(self) -> Sequence[PlannedSchedule]:
        async with self._connected() as client:
            return await self._read(client, await self._names(client))

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        """One listing of the group; only the schedules `skip` leaves are read (ListSchedules
        omits the time and the target), then kept when they fire in [start, end)."""
        async with self._connected() as client:
            names = await self._names(client)
            found = await self._read(client, [name for name in names if not skip(name)])
        pending = tuple(s for s in found if start <= s.fire_at < end)
        return Survey(names=frozenset(names), pending=pending)

    async def _read(
        self, client: EventBridgeSchedulerClient, names: Sequence[str]
    ) -> builtins.list[PlannedSchedule]:
        # A bounded number at a time: a burst of GetSchedule calls is exactly what gets an
        # account throttled (and the throttled ones are retried, see _call).
        limit = asyncio.Semaphore(self._config.concurrency)

        async def read(name: str) -> GetScheduleOutputTypeDef | None:
            async with limit:
                try:
                    return await self._call(
                        "GetSchedule",
                        lambda: client.get_schedule(Name=name, GroupName=self._group),
                    )
                except NotFound:  # fired and deleted itself since the listing
                    return None

        found = await asyncio.gather(*(read(name) for name in names))
        origin = self._config.origin
        planned = [schedule for raw in found if raw and (schedule := read_back(raw, origin))]
        return sorted(planned, key=lambda schedule: (schedule.fire_at, schedule.name))

    async def delete(self, name: str) -> None:
        async with self._connected() as client:
            await self._call(
                "DeleteSchedule",
                lambda: client.delete_schedule(Name=name, GroupName=self._group),
            )

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
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        try:
            async with asyncio.timeout(config.call_deadline):
                async for attempt in retrying:
                    with attempt:
                        return await call()
        except (ClientError, BotoCoreError) as error:
            raise _domain_error(operation, error) from error
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

    async def _names(self, client: EventBridgeSchedulerClient) -> Sequence[str]:
        names: builtins.list[str] = []
        request: ListSchedulesInputTypeDef = {"GroupName": self._group, "MaxResults": 100}
        while True:
            try:
                page = await self._call("ListSchedules", partial(client.list_schedules, **request))
            except NotFound:  # no group yet, so nothing pending
                return names
            names.extend(summary["Name"] for summary in page.get("Schedules", []))
            if not (token := page.get("NextToken")):
                return names
            request = {"GroupName": self._group, "MaxResults": 100, "NextToken": token}

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
