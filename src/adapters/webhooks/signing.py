"""Standard Webhooks signatures, through the `standardwebhooks` package."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook


def new_secret() -> str:
    """A fresh signing secret in the spec's `whsec_` + base64 form (24 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def message_id(event_id: int) -> str:
    """The `webhook-id`: the same for every attempt of one event, so receivers deduplicate."""
    return f"evt_{event_id}"


def signed_headers(secret: str, event_id: int, at: datetime, body: bytes) -> dict[str, str]:
    msg_id = message_id(event_id)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
    }
