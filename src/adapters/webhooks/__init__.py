"""Webhooks: the WebhookStore port in PostgreSQL, and the dispatcher delivering the outbox.

Deliveries are signed as the Standard Webhooks specification says, at least once and in event
id order per subscription. See README.md, "Events and webhooks".

The names below are imported when first asked for (PEP 562): the store and the URL check load
without the dispatcher's HTTP client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncpg

    from adapters.webhooks.dispatcher import DispatcherConfig, WebhookDispatcher
    from adapters.webhooks.guard import UrlPolicy, check_url
    from adapters.webhooks.store import PostgresWebhookStore
    from bestshot_domain.subscriptions import WebhookStore

_HOMES = {
    "DispatcherConfig": "dispatcher",
    "PostgresWebhookStore": "store",
    "UrlPolicy": "guard",
    "WebhookDispatcher": "dispatcher",
    "check_url": "guard",
}

__all__ = [
    "DispatcherConfig",
    "PostgresWebhookStore",
    "UrlPolicy",
    "WebhookDispatcher",
    "check_url",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


if TYPE_CHECKING:  # mypy proves the store implements its port

    def _port(pool: asyncpg.Pool) -> WebhookStore:
        return PostgresWebhookStore(pool)
