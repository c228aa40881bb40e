"""Webhook subscriptions as the admin API takes and shows them, and their delivery log.

The signing secret appears in one body only: the answer to the creation (`WebhookCreatedOut`).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AliasChoices, Field, field_validator

from bestshot_domain.events import EventType
from entrypoints.api.schemas.common import ID_MAX, SLUG_MAX_LENGTH, SLUG_PATTERN, ApiModel

URL_MAX_LENGTH = 2048
# The shape the document can state: http(s), a host (no user-info), an optional port and path.
# Whether the host is public (and https, in production) is the outbound guard's to say, after
# resolving it: `adapters.webhooks.check_url`.
URL_PATTERN = r"^https?://[A-Za-z0-9.\-\[\]:]+(?:[/?#][!-~]*)?$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _url_shape(value: str) -> str:
    # The document's pattern, checked here with the guard's words for what it refuses.
    if not re.fullmatch(URL_PATTERN, value):
        authority = value.partition("://")[2].split("/", 1)[0]
        if "@" in authority:
            raise ValueError("a webhook URL carries no credentials")
        raise ValueError("a webhook URL must be https or http with a host")
    return value


class WebhookIn(ApiModel):
    url: Annotated[str, AfterValidator(_url_shape)] = Field(
        min_length=1,
        max_length=URL_MAX_LENGTH,
        json_schema_extra={"pattern": URL_PATTERN},
        description="Where deliveries are POSTed: https, with a public address (in demo, "
        "http and loopback are allowed too). Checked now, and again at every delivery.",
    )
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=len(EventType))] = Field(
        description="The event types to deliver, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    tournament: str | None = Field(
        default=None,
        pattern=SLUG_PATTERN,
        max_length=SLUG_MAX_LENGTH,
        description="Only this tournament's events (default: every tournament's).",
    )

    @field_validator("event_types")
    @classmethod
    def _once_each(cls, value: list[EventType]) -> list[EventType]:
        if len(set(value)) != len(value):
            raise ValueError("names an event type twice")
        return value


class WebhookOut(ApiModel):
    id: uuid.UUID
    url: str
    event_types: list[EventType]
    tournament: str | None = Field(validation_alias=AliasChoices("tournament", "tournament_id"))
    state: Literal["active", "failing", "disabled"] = Field(
        description="`failing`: deliveries failed for the whole retry window, `disabled`: the "
        "receiver answered 410; neither is delivered to until replayed."
    )
    last_event_id: int = Field(
        validation_alias=AliasChoices("last_event_id", "cursor"),
        description="The last event delivered (or passed over as not wanted).",
    )
    attempts: int = Field(description="Failed attempts at the next event.")
    failing_since: datetime | None


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(
        description="The signing secret (`whsec_...`): shown in this answer only, never again. "
        "Verify each delivery's `webhook-signature` with it (Standard Webhooks)."
    )


class WebhooksOut(ApiModel):
    webhooks: list[WebhookOut]


class DeliveryOut(ApiModel):
    event_id: int
    attempt: int = Field(description="1 for the first attempt at this event, then 2, 3 ...")
    status: int | None = Field(description="The receiver's HTTP status; null: no answer.")
    latency_ms: int
    error: str | None
    delivered_at: datetime = Field(description="When the attempt ended.")


class DeliveriesOut(ApiModel):
    deliveries: list[DeliveryOut] = Field(description="The latest attempts, newest first.")


class DeliveriesQuery(ApiModel):
    limit: int = Field(100, ge=1, le=500, description="At most this many (1-500).")


class ReplayQuery(ApiModel):
    after: int = Field(
        ge=0,
        le=ID_MAX,
        description="Deliver again every wanted event after this id (0: from the start).",
    )
