"""Planning a day on EventBridge (moto's server) with bounded concurrency, through a loopback
proxy that throttles some calls as AWS does when bursts exceed the account's rate."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest

from adapters.eventbridge.expressions import ExpressionStyle
from adapters.eventbridge.requests import as_compared
from adapters.eventbridge.scheduler import EventBridgeConfig, EventBridgeScheduler
from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from bestshot_domain.planning import ScheduleResult, create_daily_schedules
from bestshot_domain.ports import EnsureOutcome
from bestshot_domain.scheduling import SchedulingPolicy
from tests.builders import match, round_, team, tournament
from tests.contracts.seed import seed
from tests.integration.aws.emulator import get_stored, stored_names

pytestmark = pytest.mark.integration

DAY = date(2031, 5, 17)
NOW = datetime(2031, 5, 17, 8, 0, tzinfo=UTC)
TOURNAMENTS = 24


class ThrottlingProxy:
    """Forwards to moto, but answers every `every`-th request with ThrottlingException (400),
    and counts the requests in flight at once."""

    def __init__(self, upstream: str, every: int) -> None:
        self.upstream = urlsplit(upstream)
        self.every = every
        self.requests = 0
        self.throttled = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.operations: list[str] = []
        lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with lock:
                    proxy.requests += 1
                    throttle = proxy.requests % proxy.every == 0
                    proxy.throttled += throttle
                    proxy.in_flight += 1
                    proxy.most_in_flight = max(proxy.most_in_flight, proxy.in_flight)
                    proxy.operations.append(f"{self.command} {self.path.split('?')[0]}")
                try:
                    if throttle:
                        self._answer(400, {"x-amzn-ErrorType": "ThrottlingException"}, b"{}")
                        return
                    upstream = http.client.HTTPConnection(
                        proxy.upstream.hostname or "127.0.0.1", proxy.upstream.port, timeout=10
                    )
                    upstream.request(self.command, self.path, body, dict(self.headers))
                    answer = upstream.getresponse()
                    headers = {
                        key: value
                        for key, value in answer.getheaders()
                        if key.lower() not in {"transfer-encoding", "connection", "content-length"}
                    }
                    self._answer(answer.status, headers, answer.read())
                    upstream.close()
                finally:
                    with lock:
                        proxy.in_flight -= 1

            def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def throttling(moto: str) -> Iterator[Callable[[int], ThrottlingProxy]]:
    proxies: list[ThrottlingProxy] = []

    def start(every: int) -> ThrottlingProxy:
        proxy = ThrottlingProxy(moto, every)
        threading.Thread(target=proxy.server.serve_forever, args=(0.05,), daemon=True).start()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.server.shutdown()
        proxy.server.server_close()


async def _world(count: int = TOURNAMENTS) -> MemoryUnitOfWorkFactory:
    factory = MemoryUnitOfWorkFactory()
    for number in range(count):
        tid = f"liga-{number:02d}"
        await seed(
            factory,
            tournaments=[tournament(tid, label=f"Liga {number:02d}", reference=tid)],
            teams=[team(f"{tid}-a"), team(f"{tid}-b")],
            rounds=[round_(tournament_id=tid)],
            matches=[
                match(
                    f"{tid}-m",
                    home=f"{tid}-a",
                    away=f"{tid}-b",
                    tournament_id=tid,
                    kickoff=datetime(2031, 5, 17, 19, 0, tzinfo=UTC),
                )
            ],
        )
    return factory


async def _plan(
    factory: MemoryUnitOfWorkFactory, config: EventBridgeConfig, concurrency: int
) -> tuple[ScheduleResult, ...]:
    async with EventBridgeScheduler(config) as scheduler:
        return await create_daily_schedules(
            DAY,
            uow_factory=factory,
            scheduler=scheduler,
            clock=SettableClock(NOW),
            policy=SchedulingPolicy(target_env="production"),
            concurrency=concurrency,
        )


async def test_concurrent_planning_through_throttling_answers_as_one_by_one(
    throttling: Callable[[int], ThrottlingProxy],
    make_config: Callable[..., EventBridgeConfig],
    raw_client: Any,
) -> None:
    factory = await _world()
    one_by_one = await _plan(factory, make_config(), 1)
    proxy = throttling(5)
    config = make_config(proxy.url, retry_attempts=8, concurrency=8, flexible_window_minutes=10)

    concurrent = await _plan(factory, config, 8)

    assert [(r.schedule, r.outcome) for r in concurrent] == [
        (r.schedule, r.outcome) for r in one_by_one
    ]
    assert all(r.outcome is EnsureOutcome.CREATED for r in concurrent)
    assert proxy.throttled >= TOURNAMENTS // 5  # throttled along the way, and retried
    assert 1 < proxy.most_in_flight <= 8
    stored = await raw_client.list_schedules(GroupName=config.group)
    assert len(stored["Schedules"]) == TOURNAMENTS
    one = await get_stored(raw_client, config.group, concurrent[0].schedule.name)
    assert one["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10}

    # A re-run lists the group once, and the listing alone says each schedule is unchanged.
    before = len(proxy.operations)
    again = await _plan(factory, config, 8)
    assert [r.outcome for r in again] == [EnsureOutcome.UNCHANGED] * TOURNAMENTS
    calls = proxy.operations[before:]
    assert sum(call == "GET /schedules" for call in calls) >= 1  # the listing (and retries)
    assert set(calls) <= {"GET /schedules"}  # no create, read, update or delete


async def test_a_moved_kickoff_gets_a_new_schedule_and_the_old_one_is_deleted(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    factory = await _world(6)
    config = make_config(concurrency=4)
    first = await _plan(factory, config, 4)
    async with factory() as uow:
        moved = [
            attrs.evolve(
                m,
                state=attrs.evolve(m.state, kickoff=m.state.kickoff + timedelta(hours=1)),
                version=m.version + 1,
            )
            for m in await uow.matches.for_tournament("liga-03")
        ]
        await uow.matches.save_many(moved)
        await uow.commit()

    second = await _plan(factory, config, 4)

    old = next(r.schedule for r in first if r.schedule.tournament_id == "liga-03")
    assert [r.schedule for r in second if r.deleted] == [old]
    created = [r for r in second if r.outcome is EnsureOutcome.CREATED]
    assert [r.schedule.tournament_id for r in created] == ["liga-03"]
    names = await stored_names(raw_client, config.group)
    assert old.name not in names
    assert created[0].schedule.name in names
    assert len(names) == 6


def test_the_flexible_window_is_compared_with_its_width() -> None:
    narrow = {"FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}}
    wide = {"FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10}}
    off = {"FlexibleTimeWindow": {"Mode": "OFF"}}
    assert as_compared(narrow) != as_compared(wide)
    assert as_compared(off) != as_compared(wide)
    assert as_compared(wide) == as_compared(json.loads(json.dumps(wide)))


async def test_a_cron_one_off_ends_after_its_flexible_window(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    config = make_config(expression_style=ExpressionStyle.CRON, flexible_window_minutes=15)
    factory = await _world(1)
    (result,) = await _plan(factory, config, 4)

    stored = await get_stored(raw_client, config.group, result.schedule.name)
    # EventBridge may fire as late as the window allows: the end date must not cut that off.
    assert stored["EndDate"].astimezone(UTC) > result.schedule.fire_at + timedelta(minutes=15)
    assert (await _plan(factory, config, 4))[0].outcome is EnsureOutcome.UNCHANGED


# Re-runs: the listing alone vouches for schedules untouched since bestshot wrote them; any other
# is read and put back, whoever changed it.


def _by_tournament(results: tuple[ScheduleResult, ...]) -> dict[str, EnsureOutcome | None]:
    return {r.schedule.tournament_id: r.outcome for r in results if not r.deleted}


async def test_a_re_run_puts_back_what_was_changed_in_aws_and_reads_only_that(
    throttling: Callable[[int], ThrottlingProxy],
    make_config: Callable[..., EventBridgeConfig],
    raw_client: Any,
) -> None:
    factory = await _world(6)
    proxy = throttling(10**9)  # records the calls, throttles none
    config = make_config(proxy.url, concurrency=4)
    first = {r.schedule.tournament_id: r.schedule for r in await _plan(factory, config, 4)}
    names = await stored_names(raw_client, config.group)
    group = config.group
    written = {
        t: as_compared(await get_stored(raw_client, group, s.name)) for t, s in first.items()
    }

    async def edit(tournament_id: str, **changes: Any) -> None:
        stored = await get_stored(raw_client, group, first[tournament_id].name)
        fields = ("ScheduleExpression", "FlexibleTimeWindow", "Target", "State", "Description")
        request = {key: stored[key] for key in fields} | changes
        await raw_client.update_schedule(Name=stored["Name"], GroupName=group, **request)

    await edit("liga-01", State="DISABLED")
    target = (await get_stored(raw_client, group, first["liga-02"].name))["Target"]
    aimed = json.loads(target["Input"]) | {"roundUrl": "https://elsewhere.example.com/x"}
    await edit("liga-02", Target=target | {"Input": json.dumps(aimed)})
    await edit("liga-03", ScheduleExpression="at(2031-05-17T23:59:00)")
    await raw_client.delete_schedule(Name=names[first["liga-04"].name], GroupName=group)

    before = len(proxy.operations)
    again = await _plan(factory, config, 4)

    assert _by_tournament(again) == {
        "liga-00": EnsureOutcome.UNCHANGED,
        "liga-01": EnsureOutcome.UPDATED,
        "liga-02": EnsureOutcome.UPDATED,
        "liga-03": EnsureOutcome.UPDATED,
        "liga-04": EnsureOutcome.CREATED,
        "liga-05": EnsureOutcome.UNCHANGED,
    }
    calls = proxy.operations[before:]
    reads = sorted(call.rsplit("/", 1)[1] for call in calls if call.startswith("GET /schedules/"))
    assert reads == sorted(names[first[t].name] for t in ("liga-01", "liga-02", "liga-03"))
    assert sum(call.startswith("PUT /schedules/") for call in calls) == 3
    for tournament_id, schedule in first.items():
        stored = await get_stored(raw_client, group, schedule.name)
        assert as_compared(stored) == written[tournament_id], tournament_id
    assert await stored_names(raw_client, group) == names  # put back under the same names
    # Put back by an update, they are read on each re-run from now on: still unchanged.
    third = await _plan(factory, config, 4)
    assert set(_by_tournament(third).values()) == {EnsureOutcome.UNCHANGED}


async def test_a_new_configuration_replaces_each_schedule_under_its_new_digest(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    factory = await _world(4)
    config = make_config(concurrency=4, flexible_window_minutes=10)
    await _plan(factory, config, 4)
    before = await stored_names(raw_client, config.group)

    wider = attrs.evolve(config, flexible_window_minutes=15)
    again = await _plan(factory, wider, 4)

    assert set(_by_tournament(again).values()) == {EnsureOutcome.UPDATED}
    assert not any(r.deleted for r in again)  # the plan's names stay: nothing superseded
    after = await stored_names(raw_client, config.group)
    assert after.keys() == before.keys()
    assert not set(after.values()) & set(before.values())  # one schedule a name, the new one
    listed = await raw_client.list_schedules(GroupName=config.group)
    assert len(listed["Schedules"]) == 4
    stored = await get_stored(raw_client, config.group, again[0].schedule.name)
    assert stored["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert set(_by_tournament(await _plan(factory, wider, 4)).values()) == {EnsureOutcome.UNCHANGED}


async def test_schedules_stored_under_the_plain_name_are_kept_or_replaced(
    make_config: Callable[..., EventBridgeConfig], raw_client: Any
) -> None:
    """Stored before names carried a digest: one as planned stays until it fires, one that is
    not is replaced by the digest-named schedule."""
    factory = await _world(2)
    config = make_config(concurrency=2)
    planned = {r.schedule.tournament_id: r.schedule for r in await _plan(factory, config, 2)}
    scheduler = EventBridgeScheduler(config)
    fields = [
        *("ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Target"),
        *("State", "Description", "ActionAfterCompletion", "GroupName"),
    ]
    for tournament_id, schedule in planned.items():
        stored = await get_stored(raw_client, config.group, schedule.name)
        await scheduler.delete(schedule.name)
        request = {key: stored[key] for key in fields} | {"Name": schedule.name}
        if tournament_id == "liga-01":
            request["State"] = "DISABLED"
        await raw_client.create_schedule(**request)

    again = await _plan(factory, config, 2)

    assert _by_tournament(again) == {
        "liga-00": EnsureOutcome.UNCHANGED,
        "liga-01": EnsureOutcome.UPDATED,
    }
    names = await stored_names(raw_client, config.group)
    assert names[planned["liga-00"].name] == planned["liga-00"].name  # kept as it was
    assert names[planned["liga-01"].name] == scheduler.stored_name(planned["liga-01"])
    assert len((await raw_client.list_schedules(GroupName=config.group))["Schedules"]) == 2
    assert [s.name for s in await scheduler.list()] == [s.name for s in planned.values()]


async def test_a_re_run_over_several_pages_of_listing_is_all_unchanged(
    throttling: Callable[[int], ThrottlingProxy],
    make_config: Callable[..., EventBridgeConfig],
) -> None:
    factory = await _world(130)  # two pages of ListSchedules (100 a page)
    proxy = throttling(10**9)
    config = make_config(proxy.url, concurrency=8)
    assert {r.outcome for r in await _plan(factory, config, 8)} == {EnsureOutcome.CREATED}
    # The first plan: a listing, the group made, then one call a schedule (its create).
    creates = [call for call in proxy.operations if call.startswith("POST /schedules/")]
    assert len(creates) == 130
    assert len(proxy.operations) == 130 + 3

    before = len(proxy.operations)
    again = await _plan(factory, config, 8)

    assert [r.outcome for r in again] == [EnsureOutcome.UNCHANGED] * 130
    assert proxy.operations[before:] == ["GET /schedules"] * 2
