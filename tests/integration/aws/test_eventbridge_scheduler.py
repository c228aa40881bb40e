"""The EventBridge Scheduler adapter against moto's server, over real HTTP."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.eventbridge.expressions import ExpressionStyle
from adapters.eventbridge.scheduler import (
    EventBridgeConfig,
    EventBridgeScheduler,
    SchedulerUnavailable,
)
from bestshot_domain.errors import NotFound
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from tests.integration.aws.emulator import get_stored, stored_names

pytestmark = pytest.mark.integration

API = "https://api.example.com/api/v2/data-provider/tournaments"


def planned(
    name: str = "brasileirao_betano_2026_11_28_23_30",
    fire_at: datetime = datetime(2026, 11, 28, 23, 30, tzinfo=UTC),
    tournament: str = "brasileirao-2026",
    round_slug: str = "round-36",
    *,
    env: str = "production",
) -> PlannedSchedule:
    return PlannedSchedule(
        name=name,
        fire_at=fire_at,
        tournament_id=tournament,
        round_slug=round_slug,
        target_env=env,
    )


async def test_ensure_creates_the_group_and_the_schedule_as_planned(
    eventbridge: EventBridgeScheduler, raw_client: Any
) -> None:
    schedule = planned()

    assert await eventbridge.ensure(schedule) is EnsureOutcome.CREATED

    config = eventbridge.config
    group = await raw_client.get_schedule_group(Name=config.group)
    assert group["Name"] == config.group
    stored = await raw_client.get_schedule(
        Name=eventbridge.stored_name(schedule), GroupName=config.group
    )
    assert re.fullmatch(rf"{schedule.name}\.[A-Z2-7]{{8}}", stored["Name"])  # and a digest
    assert stored["ScheduleExpression"] == "at(2026-11-28T23:30:00)"
    assert stored["ScheduleExpressionTimezone"] == "UTC"
    assert stored["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert stored["ActionAfterCompletion"] == "DELETE"
    target = stored["Target"]
    assert target["Arn"] == config.lambda_arn
    assert target["RoleArn"] == config.role_arn
    assert json.loads(target["Input"]) == {
        "roundUrl": f"{API}/brasileirao-2026/matches/round-36",
        "standingsUrl": f"{API}/brasileirao-2026/standings",
        "targetEnv": "production",
    }
    assert target["RetryPolicy"] == {
        "MaximumRetryAttempts": config.target_retry_attempts,
        "MaximumEventAgeInSeconds": config.target_max_event_age,
    }
    assert target["DeadLetterConfig"] == {"Arn": config.dead_letter_arn}


async def test_without_a_dead_letter_queue_the_target_has_none(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    config = make_config(dead_letter_arn=None)
    await EventBridgeScheduler(config).ensure(planned())

    stored = await raw_client.get_schedule(
        Name=EventBridgeScheduler(config).stored_name(planned()), GroupName=config.group
    )
    assert "DeadLetterConfig" not in stored["Target"]


async def test_ensure_again_is_unchanged_and_a_new_plan_updates(
    eventbridge: EventBridgeScheduler, raw_client: Any
) -> None:
    schedule = planned()
    assert await eventbridge.ensure(schedule) is EnsureOutcome.CREATED
    assert await eventbridge.ensure(schedule) is EnsureOutcome.UNCHANGED

    later = planned(fire_at=datetime(2026, 11, 29, 0, 15, tzinfo=UTC))
    assert await eventbridge.ensure(later) is EnsureOutcome.UPDATED
    stored = await get_stored(raw_client, eventbridge.config.group, schedule.name)
    assert stored["ScheduleExpression"] == "at(2026-11-29T00:15:00)"
    assert await eventbridge.ensure(later) is EnsureOutcome.UNCHANGED

    elsewhere = planned(fire_at=later.fire_at, round_slug="round-37")
    assert await eventbridge.ensure(elsewhere) is EnsureOutcome.UPDATED
    stored = await get_stored(raw_client, eventbridge.config.group, schedule.name)
    assert json.loads(stored["Target"]["Input"])["roundUrl"].endswith("/matches/round-37")
    # Each content has its name: the new one replaced the old, one schedule is left.
    listed = await raw_client.list_schedules(GroupName=eventbridge.config.group)
    assert [s["Name"] for s in listed["Schedules"]] == [eventbridge.stored_name(elsewhere)]


async def test_a_schedule_changed_by_hand_is_put_back(
    eventbridge: EventBridgeScheduler, raw_client: Any
) -> None:
    schedule = planned()
    await eventbridge.ensure(schedule)
    group = eventbridge.config.group
    stored = await raw_client.get_schedule(Name=eventbridge.stored_name(schedule), GroupName=group)
    await raw_client.update_schedule(
        Name=stored["Name"],
        GroupName=group,
        ScheduleExpression=stored["ScheduleExpression"],
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=stored["Target"],
        State="DISABLED",
    )

    assert await eventbridge.ensure(schedule) is EnsureOutcome.UPDATED
    stored = await raw_client.get_schedule(Name=eventbridge.stored_name(schedule), GroupName=group)
    assert stored["State"] == "ENABLED"


async def test_an_existing_group_is_used_not_replaced(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    config = make_config()
    await raw_client.create_schedule_group(Name=config.group)
    first = planned(name="first")
    second = planned(name="second", fire_at=first.fire_at + timedelta(hours=1))

    await EventBridgeScheduler(config).ensure(first)
    # A fresh adapter (another process) must not recreate the group over the first schedule.
    await EventBridgeScheduler(config).ensure(second)

    names = [schedule.name for schedule in await EventBridgeScheduler(config).list()]
    assert names == ["first", "second"]


async def test_list_reads_back_what_was_planned_in_firing_order(
    eventbridge: EventBridgeScheduler,
) -> None:
    base = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)
    schedules = [
        planned("b_late", base + timedelta(hours=3), "premier-league", "matchday-14"),
        planned("a_early", base, "brasileirao-2026", "round-36", env="demo"),
        planned("c_same_time", base, "copa do brasil", "final leg"),
        planned("a_same_time", base, "la-liga", "jornada-15"),
    ]
    for schedule in schedules:
        await eventbridge.ensure(schedule)

    listed = await eventbridge.list()

    assert [schedule.name for schedule in listed] == [
        "a_early",
        "a_same_time",
        "c_same_time",
        "b_late",
    ]
    assert set(listed) == set(schedules)
    assert next(s for s in listed if s.name == "c_same_time").tournament_id == "copa do brasil"


async def test_the_cron_style_is_written_and_read_back(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    config = make_config(expression_style=ExpressionStyle.CRON)
    schedule = planned()

    assert await EventBridgeScheduler(config).ensure(schedule) is EnsureOutcome.CREATED

    stored = await raw_client.get_schedule(
        Name=EventBridgeScheduler(config).stored_name(schedule), GroupName=config.group
    )
    assert stored["ScheduleExpression"] == "cron(30 23 28 11 ? 2026)"
    assert list(await EventBridgeScheduler(config).list()) == [schedule]
    # A cron schedule completes, and `ActionAfterCompletion: DELETE` removes it, only after its
    # end date: just after its one firing. (moto fires nothing, so the deletion itself is AWS's.)
    assert stored["ActionAfterCompletion"] == "DELETE"
    end = stored["EndDate"].astimezone(UTC)
    assert schedule.fire_at < end <= schedule.fire_at + timedelta(minutes=5)
    # Read back, the end date is what `ensure` would write: a second run changes nothing.
    assert await EventBridgeScheduler(config).ensure(schedule) is EnsureOutcome.UNCHANGED


async def test_an_at_schedule_has_no_end_date(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    config = make_config()
    schedule = planned()
    await EventBridgeScheduler(config).ensure(schedule)

    stored = await raw_client.get_schedule(
        Name=EventBridgeScheduler(config).stored_name(schedule), GroupName=config.group
    )
    assert "EndDate" not in stored


async def test_list_skips_a_schedule_aimed_at_another_api(
    make_config: Callable[..., EventBridgeConfig], caplog: pytest.LogCaptureFixture
) -> None:
    other = make_config(api_base_url="https://other.example.com")
    await EventBridgeScheduler(other).ensure(planned())

    mine = attrs.evolve(other, api_base_url="https://api.example.com")
    assert list(await EventBridgeScheduler(mine).list()) == []
    assert "not on the API" in caplog.text


async def test_list_skips_schedules_that_are_not_ours(
    eventbridge: EventBridgeScheduler, raw_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await eventbridge.ensure(planned())
    config = eventbridge.config
    await raw_client.create_schedule(
        Name="hand-made",
        GroupName=config.group,
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": config.lambda_arn, "RoleArn": config.role_arn, "Input": "{}"},
    )

    listed = await eventbridge.list()

    assert [schedule.name for schedule in listed] == [planned().name]
    assert "hand-made" in caplog.text


async def test_list_of_a_group_that_does_not_exist_yet_is_empty(
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    scheduler = EventBridgeScheduler(make_config())
    assert list(await scheduler.list()) == []


async def test_delete_removes_and_a_second_delete_is_not_found(
    eventbridge: EventBridgeScheduler,
) -> None:
    keep, drop = planned("keep"), planned("drop")
    await eventbridge.ensure(keep)
    await eventbridge.ensure(drop)

    await eventbridge.delete("drop")

    assert [schedule.name for schedule in await eventbridge.list()] == ["keep"]
    with pytest.raises(NotFound, match="drop"):
        await eventbridge.delete("drop")


async def test_delete_removes_every_schedule_stored_for_the_name(
    eventbridge: EventBridgeScheduler, raw_client: Any
) -> None:
    schedule, keep = planned(), planned("brasileirao_betano_2026_11_28_23_30_x")
    await eventbridge.ensure(schedule)
    await eventbridge.ensure(keep)
    group = eventbridge.config.group
    stored = await raw_client.get_schedule(Name=eventbridge.stored_name(schedule), GroupName=group)
    fields = ("ScheduleExpression", "FlexibleTimeWindow", "Target", "ActionAfterCompletion")
    # The same plan name stored twice, as for a moment while a schedule is replaced.
    await raw_client.create_schedule(
        Name=schedule.name, GroupName=group, **{key: stored[key] for key in fields}
    )

    await eventbridge.delete(schedule.name)

    assert list(await stored_names(raw_client, group)) == [keep.name]
    with pytest.raises(NotFound, match=schedule.name):
        await eventbridge.delete(schedule.name)


async def test_a_name_too_long_for_a_digest_is_stored_as_it_is(
    eventbridge: EventBridgeScheduler, raw_client: Any
) -> None:
    schedule = planned("a" * 40 + "_2026_11_28_23_30")  # 57 characters
    assert eventbridge.stored_name(schedule) == schedule.name
    assert await eventbridge.ensure(schedule) is EnsureOutcome.CREATED
    assert await eventbridge.ensure(schedule) is EnsureOutcome.UNCHANGED
    moved = planned(schedule.name, fire_at=schedule.fire_at + timedelta(minutes=5))
    assert await eventbridge.ensure(moved, exists=True) is EnsureOutcome.UPDATED

    stored = await raw_client.get_schedule(Name=schedule.name, GroupName=eventbridge.config.group)
    assert stored["ScheduleExpression"] == "at(2026-11-28T23:35:00)"
    assert list(await eventbridge.list()) == [moved]
    await eventbridge.delete(schedule.name)
    assert list(await eventbridge.list()) == []


async def test_works_without_a_context_manager(
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    scheduler = EventBridgeScheduler(make_config())
    assert await scheduler.ensure(planned()) is EnsureOutcome.CREATED
    assert await scheduler.ensure(planned()) is EnsureOutcome.UNCHANGED
    await scheduler.delete(planned().name)
    assert list(await scheduler.list()) == []


# Failures: a loopback proxy in front of moto answers as AWS does when it throttles or refuses.


class _FaultyProxy:
    """Answers the first `faults` requests with `fault`, then forwards to moto."""

    def __init__(self, upstream: str, faults: int, fault: tuple[int, str]) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = faults
        self.fault = fault
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests += 1
                if proxy.requests <= proxy.faults:
                    status, code = proxy.fault
                    payload = json.dumps({"message": "Rate exceeded"}).encode()
                    self.send_response(status)
                    self.send_header("x-amzn-ErrorType", code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                upstream = http.client.HTTPConnection(
                    proxy.upstream.hostname or "127.0.0.1", proxy.upstream.port, timeout=10
                )
                upstream.request(self.command, self.path, body, dict(self.headers))
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in {"transfer-encoding", "connection", "content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def faulty_proxy(moto: str) -> Iterator[Callable[[int, tuple[int, str]], _FaultyProxy]]:
    proxies: list[_FaultyProxy] = []

    def start(faults: int, fault: tuple[int, str]) -> _FaultyProxy:
        proxy = _FaultyProxy(moto, faults, fault)
        threading.Thread(target=proxy.server.serve_forever, args=(0.05,), daemon=True).start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.server.shutdown()
        proxy.server.server_close()


THROTTLED = (400, "ThrottlingException")


async def test_throttling_is_retried_then_succeeds(
    faulty_proxy: Callable[[int, tuple[int, str]], _FaultyProxy],
    make_config: Callable[..., EventBridgeConfig],
    raw_client: Any,
) -> None:
    proxy = faulty_proxy(2, THROTTLED)
    config = make_config(proxy.url, retry_attempts=4)

    assert await EventBridgeScheduler(config).ensure(planned()) is EnsureOutcome.CREATED

    assert proxy.requests > 2  # two throttled, then the real calls went through
    stored = await get_stored(raw_client, config.group, planned().name)
    assert stored["Description"] == "bestshot: brasileirao-2026 / round-36"


async def test_throttling_that_never_stops_becomes_scheduler_unavailable(
    faulty_proxy: Callable[[int, tuple[int, str]], _FaultyProxy],
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    proxy = faulty_proxy(1000, THROTTLED)
    config = make_config(proxy.url, retry_attempts=3)

    with pytest.raises(SchedulerUnavailable, match="ThrottlingException"):
        await EventBridgeScheduler(config).list()
    assert proxy.requests == 3


async def test_access_denied_is_not_retried(
    faulty_proxy: Callable[[int, tuple[int, str]], _FaultyProxy],
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    proxy = faulty_proxy(1000, (403, "AccessDeniedException"))
    config = make_config(proxy.url, retry_attempts=3)

    with pytest.raises(SchedulerUnavailable, match="AccessDeniedException"):
        await EventBridgeScheduler(config).ensure(planned())
    assert proxy.requests == 1


async def test_an_unreachable_endpoint_becomes_scheduler_unavailable(
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = make_config(f"http://127.0.0.1:{port}", retry_attempts=2, connect_timeout=1.0)

    with pytest.raises(SchedulerUnavailable, match="EventBridge Scheduler"):
        await EventBridgeScheduler(config).delete("anything")


slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30)
plans = st.builds(
    planned,
    name=st.from_regex(r"[0-9a-z_.-]{1,64}", fullmatch=True),
    fire_at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2040, 12, 31)).map(
        lambda moment: moment.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
    tournament=slugs,
    round_slug=slugs,
    env=st.sampled_from(["demo", "production"]),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(schedule=plans)
async def test_any_plan_is_created_once_then_unchanged_and_reads_back_equal(
    eventbridge: EventBridgeScheduler, schedule: PlannedSchedule
) -> None:
    assert await eventbridge.ensure(schedule) is EnsureOutcome.CREATED
    assert await eventbridge.ensure(schedule) is EnsureOutcome.UNCHANGED
    assert list(await eventbridge.list()) == [schedule]
    await eventbridge.delete(schedule.name)
