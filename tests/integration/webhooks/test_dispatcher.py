"""The dispatcher on a real PostgreSQL, delivering to a loopback receiver that verifies."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import asyncpg
import pytest

from adapters.memory import ScriptedSource, SettableClock
from adapters.metrics import PrometheusMetrics
from adapters.postgres.unit_of_work import unit_of_work_factory
from adapters.webhooks import DispatcherConfig, PostgresWebhookStore, UrlPolicy, WebhookDispatcher
from adapters.webhooks.signing import new_secret
from bestshot_domain import services
from bestshot_domain.events import EventType
from bestshot_domain.subscriptions import SubscriptionState
from entrypoints.api.schemas.events import event_body
from entrypoints.commands.dispatcher import run_dispatcher
from entrypoints.settings import load_settings
from tests.builders import T0, league_fixtures, observation
from tests.integration.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.integration

CONFIG = DispatcherConfig(
    backoff_initial=timedelta(0),  # retry at once: the tests decide when the receiver is back
    lease=timedelta(milliseconds=300),
    url_policy=UrlPolicy(allow_loopback=True, require_https=False),  # demo
    deadline_seconds=5,
)
MD1 = ("matchday-1-t1-t4", "matchday-1-t2-t3")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


async def _matchday(pool: asyncpg.Pool) -> None:
    """Import a league, then one round update and the tables, as a fired schedule does."""
    source = ScriptedSource()
    clock = SettableClock(T0 - timedelta(days=1))
    uow_factory = unit_of_work_factory(pool)
    source.publish("liga", league_fixtures(4))
    sources = {source.provider: source}
    await services.import_tournament(
        "scripted", "liga", "Liga Test", "premier_league",
        zones="1:champion", uow_factory=uow_factory, sources=sources, clock=clock,
    )  # fmt: skip
    clock.set(T0 + timedelta(hours=5))
    source.report("liga", observation(MD1[0], score=(2, 0)), observation(MD1[1], score=(1, 1)))
    await services.update_round("liga-test", "matchday-1", uow_factory=uow_factory,
                                sources=sources, clock=clock)  # fmt: skip
    await services.update_standings("liga-test", uow_factory=uow_factory, clock=clock)


EXPECTED = [
    "match.updated",
    "match.finished",
    "match.updated",
    "match.finished",
    "standings.changed",
]


async def _subscribe(pool: asyncpg.Pool, receiver: Receiver) -> PostgresWebhookStore:
    store = PostgresWebhookStore(pool)
    receiver.secret = new_secret()
    await store.create(receiver.url, list(EventType), None, receiver.secret)
    return store


def deliveries(metrics: PrometheusMetrics) -> dict[str, float]:
    """The delivery attempts counted so far, by outcome."""
    return {
        outcome: metrics.registry.get_sample_value(
            "bestshot_webhook_deliveries_total", {"outcome": outcome}
        )
        or 0.0
        for outcome in ("delivered", "failed", "disabled")
    }


async def _drain(dispatcher: WebhookDispatcher, rounds: int = 5) -> None:
    for _ in range(rounds):
        await dispatcher.run_once()


async def test_one_round_update_delivers_exactly_its_events_in_order(
    postgres_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    store = await _subscribe(postgres_pool, receiver)
    await _matchday(postgres_pool)
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG)
    try:
        await _drain(dispatcher)
    finally:
        await dispatcher.aclose()
    assert receiver.bad_signatures == 0
    assert [body["type"] for _, body in receiver.received] == EXPECTED
    ids = [body["id"] for _, body in receiver.received]
    assert ids == sorted(ids)
    assert [webhook_id for webhook_id, _ in receiver.received] == [f"evt_{i}" for i in ids]
    (subscription,) = await store.list()
    assert subscription.cursor == ids[-1]
    log = await store.deliveries(subscription.id)
    assert [(d.event_id, d.status) for d in reversed(log)] == [(i, receiver.answer) for i in ids]


async def test_a_receiver_down_for_a_while_gets_everything_once_back_in_order(
    postgres_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    store = await _subscribe(postgres_pool, receiver)
    await _matchday(postgres_pool)
    receiver.answer = 503
    metrics = PrometheusMetrics()
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG, metrics=metrics)
    try:
        await _drain(dispatcher, 3)
        assert receiver.received == []
        (subscription,) = await store.list()
        assert subscription.attempts == 3
        assert subscription.state is SubscriptionState.ACTIVE
        receiver.answer = 200
        await _drain(dispatcher)
    finally:
        await dispatcher.aclose()
    assert [body["type"] for _, body in receiver.received] == EXPECTED
    # The first event was tried while down, each later one only once it was back.
    assert receiver.seen.count(receiver.seen[0]) == 4
    assert len(set(receiver.seen)) == len(EXPECTED)
    assert deliveries(metrics) == {"delivered": len(EXPECTED), "failed": 3, "disabled": 0}


async def test_a_410_disables_the_subscription(
    postgres_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    store = await _subscribe(postgres_pool, receiver)
    await _matchday(postgres_pool)
    receiver.answer = 410
    metrics = PrometheusMetrics()
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG, metrics=metrics)
    try:
        await _drain(dispatcher)
    finally:
        await dispatcher.aclose()
    (subscription,) = await store.list()
    assert subscription.state is SubscriptionState.DISABLED
    assert len(receiver.seen) == 1
    assert deliveries(metrics) == {"delivered": 0, "failed": 0, "disabled": 1}


async def test_killing_the_dispatcher_mid_delivery_loses_nothing(
    postgres_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    store = await _subscribe(postgres_pool, receiver)
    await _matchday(postgres_pool)
    receiver.hold.clear()  # the receiver takes the first delivery and does not answer yet
    doomed = WebhookDispatcher(store, event_body, config=CONFIG)
    task = asyncio.create_task(doomed.run_once())
    assert await asyncio.to_thread(receiver.arrived.wait, 10)
    task.cancel()  # killed mid-delivery: no answer read, nothing recorded
    with pytest.raises(asyncio.CancelledError):
        await task
    await doomed.aclose()
    receiver.hold.set()
    await asyncio.sleep(CONFIG.lease.total_seconds() + 0.2)  # the dead claim's lease runs out
    survivor = WebhookDispatcher(store, event_body, config=CONFIG)
    try:
        await _drain(survivor)
    finally:
        await survivor.aclose()
    # Delivered again, with the same id; the receiver deduplicates on `webhook-id`.
    first = receiver.seen[0]
    assert receiver.seen.count(first) == 2
    unique = list(dict.fromkeys(webhook_id for webhook_id, _ in receiver.received))
    assert [webhook_id for webhook_id, _ in receiver.received].count(first) == 2
    assert len(unique) == len(EXPECTED)
    assert unique[0] == first


async def test_the_dispatcher_command_delivers_what_is_due_once(
    postgres_url: str,
    postgres_pool: asyncpg.Pool,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`bestshot dispatcher --once`, wired by the composition root on the same database."""
    await _subscribe(postgres_pool, receiver)
    await _matchday(postgres_pool)
    settings = load_settings({"DATABASE_URL": postgres_url, "WEBHOOKS_POLL_SECONDS": "0.05"})
    assert await run_dispatcher(settings, once=True) == 0
    assert capsys.readouterr().out.strip() == f"delivered {len(EXPECTED)} event(s)"
    assert [body["type"] for _, body in receiver.received] == EXPECTED
    assert receiver.bad_signatures == 0
    assert await run_dispatcher(settings, once=True) == 0
    assert capsys.readouterr().out.strip() == "delivered 0 event(s)"
