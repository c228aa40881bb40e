"""A subscription that stops being delivered is reported to Sentry, naming it and nothing secret.

The dispatcher runs on a real PostgreSQL against a loopback receiver that is down; Sentry sends
to a loopback DSN, as `bestshot serve` would configure it (`init_sentry`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import asyncpg
import pytest
import sentry_sdk

from adapters.webhooks import DispatcherConfig, PostgresWebhookStore, UrlPolicy, WebhookDispatcher
from adapters.webhooks.signing import new_secret
from bestshot_domain.events import EventType
from bestshot_domain.subscriptions import SubscriptionState
from entrypoints.api.schemas.events import event_body
from entrypoints.observability import init_sentry
from entrypoints.settings import load_settings
from tests.integration.api.conftest import LoopbackServer, sentry_events
from tests.integration.webhooks.receiver import Receiver, running_receiver
from tests.integration.webhooks.test_dispatcher import _matchday

pytestmark = pytest.mark.integration

SECRET_QUERY = "key=hunter2-in-the-query"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


async def test_a_subscription_marked_failing_is_reported_to_sentry(
    postgres_pool: asyncpg.Pool, receiver: Receiver, sentry_dsn: str, loopback: LoopbackServer
) -> None:
    assert init_sentry(load_settings({"SENTRY_DSN": sentry_dsn}))
    store = PostgresWebhookStore(postgres_pool)
    url = f"{receiver.url}?{SECRET_QUERY}"
    subscription = await store.create(url, list(EventType), None, new_secret())
    await _matchday(postgres_pool)
    receiver.answer = 503
    config = DispatcherConfig(
        backoff_initial=timedelta(0),
        retry_window=timedelta(0),  # the first failure is the last: failing at once
        url_policy=UrlPolicy(allow_loopback=True, require_https=False),
        deadline_seconds=5,
    )
    dispatcher = WebhookDispatcher(store, event_body, config=config)
    try:
        await dispatcher.run_once()
    finally:
        await dispatcher.aclose()
    sentry_sdk.flush(timeout=5)

    (stored,) = await store.list()
    assert stored.state is SubscriptionState.FAILING
    failing = [
        event
        for event in sentry_events(loopback)
        if "webhook.failing" in json.dumps(event.get("logentry") or event.get("message"))
    ]
    assert len(failing) == 1
    sent = json.dumps(failing[0])
    assert str(subscription.id) in sent
    assert "hunter2" not in sent
