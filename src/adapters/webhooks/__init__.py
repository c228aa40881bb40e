"""Webhooks: the WebhookStore port in PostgreSQL, and the dispatcher delivering the outbox.

Deliveries are signed as the Standard Webhooks specification says, at least once and in event
id order per subscription. See README.md, "Events and webhooks".
"""

from typing import TYPE_CHECKING

from adapters.webhooks.dispatcher import DispatcherConfig, WebhookDispatcher
from adapters.webhooks.guard import UrlPolicy, check_url
from adapters.webhooks.store import PostgresWebhookStore

if TYPE_CHECKING:
    import asyncpg

    from bestshot_domain.subscriptions import WebhookStore

__all__ = [
    "DispatcherConfig",
    "PostgresWebhookStore",
    "UrlPolicy",
    "WebhookDispatcher",
    "check_url",
]

if TYPE_CHECKING:  # mypy proves the store implements its port

    def _port(pool: asyncpg.Pool) -> WebhookStore:
        return PostgresWebhookStore(pool)
