"""Webhooks: subscriptions in PostgreSQL, and the dispatcher that delivers the outbox to them.

Deliveries are signed as the Standard Webhooks specification says, at least once and in event
id order per subscription. See README.md, "Events and webhooks".
"""

from adapters.webhooks.dispatcher import DispatcherConfig, WebhookDispatcher
from adapters.webhooks.guard import UrlPolicy, check_url
from adapters.webhooks.store import Delivery, Subscription, WebhookStore

__all__ = [
    "Delivery",
    "DispatcherConfig",
    "Subscription",
    "UrlPolicy",
    "WebhookDispatcher",
    "WebhookStore",
    "check_url",
]
