"""The webhook store and dispatcher when every connection of the pool is taken: each wait for
one is bounded by the pool's acquire timeout, as the API's is, so neither a request nor the
dispatcher hangs; the dispatcher logs, tries again on a later tick, and loses no delivery.

Every wait is bounded by BOUND, far above the acquire timeout under test: a check is only ever
"gave up before the bound", never a measured duration.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import attrs
import pytest

from adapters.postgres.outbox import append_events
from adapters.webhooks import DispatcherConfig, PostgresWebhookStore, UrlPolicy, WebhookDispatcher
from adapters.webhooks.signing import new_secret
from bestshot_domain.emitting import schedule_failed
from bestshot_domain.errors import StorageBusy
from bestshot_domain.events import EventType
from bestshot_domain.subscriptions import SubscriptionState
from entrypoints.api.schemas.events import event_body
from tests.builders import T0
from tests.integration.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.integration

BOUND = 30.0
ACQUIRE = 0.2  # the bounded wait under test
CONFIG = DispatcherConfig(
    poll_seconds=0.02,
    url_policy=UrlPolicy(allow_loopback=True, require_https=False),  # demo
    deadline_seconds=5,
)


@pytest.fixture
def store(one_connection: asyncpg.Pool) -> PostgresWebhookStore:
    return PostgresWebhookStore(one_connection, acquire_timeout=ACQUIRE)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


async def _event(pool: asyncpg.Pool) -> None:
    """One event in the outbox, as a use case commits it."""
    async with pool.acquire() as connection, connection.transaction():
        await append_events(connection, [schedule_failed("liga-test", "s", "matchday-1", 5, T0)])


async def test_every_store_call_gives_up_after_the_bounded_wait_and_changes_nothing(
    store: PostgresWebhookStore, one_connection: asyncpg.Pool
) -> None:
    created = await store.create("https://example.org/hook", list(EventType), None, new_secret())
    await _event(one_connection)
    (claimed,) = await store.claim(5, timedelta(minutes=10))
    (before,) = await store.list()
    now = datetime.now(UTC)
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "create": lambda: store.create("https://example.org/2", [], None, new_secret()),
        "list": store.list,
        "get": lambda: store.get(created.id),
        "delete": lambda: store.delete(created.id),
        "replay": lambda: store.replay(created.id, 0),
        "deliveries": lambda: store.deliveries(created.id),
        "claim": lambda: store.claim(5, timedelta(minutes=10)),
        "pending": lambda: store.pending(claimed, 10),
        "record": lambda: store.record(
            claimed, event_id=1, attempt=1, status=204, latency_ms=1, error=None
        ),
        "advance": lambda: store.advance(claimed, 1),
        "retry_later": lambda: store.retry_later(claimed, now, now, failing=True),
        "disable": lambda: store.disable(claimed),
        "release": lambda: store.release(claimed),
    }
    async with one_connection.acquire():
        for name, call in calls.items():
            with pytest.raises(StorageBusy, match="no database connection was free"):
                await asyncio.wait_for(call(), timeout=BOUND)  # hung before: no bound at all
            assert name  # every one of them
    # Nothing was done by the calls that gave up: still the one subscription, claimed as it
    # was, its cursor before the event, nothing delivered.
    assert await store.list() == [before]
    assert before.claim == claimed.claim
    assert (before.state, before.cursor) == (SubscriptionState.ACTIVE, created.cursor)
    assert await store.deliveries(created.id) == []


async def test_the_dispatcher_logs_a_busy_pool_and_delivers_on_a_later_tick(
    store: PostgresWebhookStore,
    one_connection: asyncpg.Pool,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver.secret = new_secret()
    await store.create(receiver.url, list(EventType), None, receiver.secret)
    await _event(one_connection)
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG)
    stop = asyncio.Event()
    held = await one_connection.acquire()
    released = False
    running = asyncio.create_task(dispatcher.run(stop))
    try:
        async with asyncio.timeout(BOUND):
            while "the pool is busy" not in caplog.text:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        assert not running.done()  # logged, not fatal
        assert receiver.seen == []
        await one_connection.release(held)
        released = True
        async with asyncio.timeout(BOUND):
            while not receiver.received:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    finally:
        if not released:
            await one_connection.release(held)
        stop.set()
        await asyncio.wait_for(running, timeout=BOUND)
        await dispatcher.aclose()
    assert any(
        r.levelno == logging.WARNING and "the pool is busy" in r.getMessage()
        for r in caplog.records
    )
    # Busy is not a fault: nothing at ERROR, which Sentry would take as an event.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert receiver.bad_signatures == 0
    assert [body["type"] for _, body in receiver.received] == ["schedule.failed"]
    (subscription,) = await store.list()
    assert subscription.cursor == receiver.received[0][1]["id"]
    (delivery,) = await store.deliveries(subscription.id)
    assert delivery.status == receiver.answer


async def test_a_delivery_that_cannot_be_recorded_is_delivered_again_after_the_lease(
    store: PostgresWebhookStore, one_connection: asyncpg.Pool, receiver: Receiver
) -> None:
    """Delivered, then no connection to record it or move the cursor: the pass fails, the
    subscription stays leased, and once the lease runs out the same event goes again with the
    same `webhook-id` (the receiver deduplicates): at least once, nothing lost."""
    receiver.secret = new_secret()
    await store.create(receiver.url, list(EventType), None, receiver.secret)
    await _event(one_connection)
    config = attrs.evolve(CONFIG, lease=timedelta(milliseconds=300))
    dispatcher = WebhookDispatcher(store, event_body, config=config)
    try:
        receiver.hold.clear()
        passing = asyncio.create_task(dispatcher.run_once())
        assert await asyncio.to_thread(receiver.arrived.wait, BOUND)
        held = await one_connection.acquire()  # taken while the receiver answers
        try:
            receiver.hold.set()
            with pytest.raises(StorageBusy):
                await asyncio.wait_for(passing, timeout=BOUND)
        finally:
            await one_connection.release(held)
        (left,) = await store.list()
        assert left.cursor == 0
        assert await store.deliveries(left.id) == []
        async with asyncio.timeout(BOUND):
            while len(receiver.received) < 2:
                await dispatcher.run_once()
                await asyncio.sleep(0.05)
    finally:
        receiver.hold.set()
        await dispatcher.aclose()
    first, again = receiver.received
    assert first == again  # the same event, the same webhook-id
    (subscription,) = await store.list()
    assert subscription.cursor == first[1]["id"]
    assert [d.event_id for d in await store.deliveries(subscription.id)] == [first[1]["id"]]
