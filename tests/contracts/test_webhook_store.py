"""The WebhookStore contract: subscriptions, the delivery log, and the dispatchers' leases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.events import EventType
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.subscriptions import SubscriptionState
from tests.contracts.conftest import WebhooksCase
from tests.contracts.test_outbox import event

LEASE = timedelta(minutes=5)
SECRET = "whsec_" + "c2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz"


async def _publish(uow_factory: UnitOfWorkFactory, *tournaments: str) -> list[int]:
    async with uow_factory() as uow:
        await uow.outbox.append([event(n, t) for n, t in enumerate(tournaments, 1)])
        await uow.commit()
    async with uow_factory() as uow:
        return [e.id for e in await uow.outbox.after(0, limit=1000)]


async def test_a_subscription_reads_back_and_starts_after_the_last_event(
    webhooks: WebhooksCase,
) -> None:
    store, uow_factory = webhooks
    ids = await _publish(uow_factory, "liga-test", "liga-test")
    created = await store.create(
        "https://hooks.example/in", [EventType.MATCH_FINISHED], "liga-test", SECRET
    )
    assert created.cursor == ids[-1]
    assert created.state is SubscriptionState.ACTIVE
    assert created.secret == SECRET
    assert created.event_types == (EventType.MATCH_FINISHED,)
    assert await store.get(created.id) == created
    other = await store.create("https://hooks.example/all", list(EventType), None, SECRET)
    assert [s.id for s in await store.list()] == [created.id, other.id]
    # Nothing new since: neither is claimed.
    assert list(await store.claim(10, LEASE)) == []


async def test_unknown_ids_are_not_found_and_a_delete_takes_the_log_along(
    webhooks: WebhooksCase,
) -> None:
    store, _ = webhooks
    unknown = uuid.uuid4()
    for call in (store.get, store.delete, store.deliveries):
        with pytest.raises(NotFound):
            await call(unknown)
    with pytest.raises(NotFound):
        await store.replay(unknown, 0)
    created = await store.create("https://hooks.example/in", list(EventType), None, SECRET)
    await store.delete(created.id)
    assert list(await store.list()) == []
    with pytest.raises(NotFound):
        await store.deliveries(created.id)


async def test_a_claim_is_a_lease_that_one_dispatcher_holds(webhooks: WebhooksCase) -> None:
    store, uow_factory = webhooks
    created = await store.create("https://hooks.example/in", list(EventType), None, SECRET)
    ids = await _publish(uow_factory, "liga-test", "other")
    claimed = list(await store.claim(10, LEASE))
    assert [s.id for s in claimed] == [created.id]
    assert claimed[0].claim is not None
    assert list(await store.claim(10, LEASE)) == []  # leased: not claimed twice
    events, looked_at = await store.pending(claimed[0], 100)
    assert [e.id for e in events] == ids
    assert looked_at == ids[-1]
    assert await store.advance(claimed[0], ids[0])
    assert (await store.get(created.id)).cursor == ids[0]
    await store.release(claimed[0])
    again = list(await store.claim(10, LEASE))  # one event left after the cursor
    assert [s.id for s in again] == [created.id]
    assert not await store.advance(claimed[0], ids[1])  # an old claim writes nothing
    assert (await store.get(created.id)).cursor == ids[0]


async def test_an_expired_lease_lets_another_dispatcher_claim(webhooks: WebhooksCase) -> None:
    store, uow_factory = webhooks
    await store.create("https://hooks.example/in", list(EventType), None, SECRET)
    await _publish(uow_factory, "liga-test")
    (first,) = await store.claim(10, timedelta(milliseconds=50))
    await asyncio.sleep(0.2)
    (second,) = await store.claim(10, LEASE)
    assert second.id == first.id
    assert second.claim != first.claim
    assert not await store.disable(first)
    assert await store.disable(second)
    assert (await store.get(first.id)).state is SubscriptionState.DISABLED


async def test_pending_keeps_the_wanted_events_and_says_how_far_it_looked(
    webhooks: WebhooksCase,
) -> None:
    store, uow_factory = webhooks
    await store.create("https://hooks.example/in", [EventType.MATCH_FINISHED], "liga-test", SECRET)
    await store.create("https://hooks.example/other", [EventType.ZONE_DECIDED], None, SECRET)
    ids = await _publish(uow_factory, "other", "liga-test", "other", "liga-test", "other")
    claimed = {s.url: s for s in await store.claim(10, LEASE)}
    # Claims look at the outbox, not at what each one wants: pending sorts that out.
    wanted, looked_at = await store.pending(claimed["https://hooks.example/in"], 3)
    assert [e.id for e in wanted] == [ids[1]]
    assert looked_at == ids[2]
    unwanted, looked_at = await store.pending(claimed["https://hooks.example/other"], 100)
    assert unwanted == []
    assert looked_at == ids[-1]


async def test_a_retry_waits_and_a_failing_one_waits_for_a_replay(webhooks: WebhooksCase) -> None:
    store, uow_factory = webhooks
    created = await store.create("https://hooks.example/in", list(EventType), None, SECRET)
    await _publish(uow_factory, "liga-test")
    now = datetime.now(UTC)
    (claimed,) = await store.claim(10, LEASE)
    assert await store.retry_later(claimed, now + timedelta(hours=1), now, failing=False)
    waiting = await store.get(created.id)
    assert waiting.attempts == 1
    assert waiting.failing_since == now
    assert list(await store.claim(10, LEASE)) == []  # not due yet
    await store.replay(created.id, 0)
    (claimed,) = await store.claim(10, LEASE)
    assert claimed.attempts == 0
    assert await store.retry_later(claimed, now, now - timedelta(days=1), failing=True)
    assert (await store.get(created.id)).state is SubscriptionState.FAILING
    assert list(await store.claim(10, LEASE)) == []  # failing: no longer delivered
    await store.replay(created.id, 0)
    replayed = await store.get(created.id)
    assert replayed.state is SubscriptionState.ACTIVE
    assert replayed.failing_since is None
    assert replayed.cursor == 0
    assert [s.id for s in await store.claim(10, LEASE)] == [created.id]


async def test_the_delivery_log_reads_newest_first(webhooks: WebhooksCase) -> None:
    store, uow_factory = webhooks
    created = await store.create("https://hooks.example/in", list(EventType), None, SECRET)
    other = await store.create("https://hooks.example/other", list(EventType), None, SECRET)
    ids = await _publish(uow_factory, "liga-test", "liga-test")
    await store.record(
        created, event_id=ids[0], attempt=1, status=503, latency_ms=12, error="HTTP 503"
    )
    await store.record(
        created, event_id=ids[0], attempt=2, status=None, latency_ms=5000, error="no answer"
    )
    await store.record(created, event_id=ids[1], attempt=1, status=200, latency_ms=7, error=None)
    log = list(await store.deliveries(created.id))
    assert [(d.event_id, d.attempt, d.status, d.latency_ms, d.error) for d in log] == [
        (ids[1], 1, 200, 7, None),
        (ids[0], 2, None, 5000, "no answer"),
        (ids[0], 1, 503, 12, "HTTP 503"),
    ]
    assert [d.attempt for d in await store.deliveries(created.id, limit=1)] == [1]
    assert list(await store.deliveries(other.id)) == []
