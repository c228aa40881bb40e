"""Webhook subscriptions for operators (admin): create, list, delete, the delivery log, replay.

The URL goes through the outbound guard (`adapters.webhooks.check_url`) when it is given; the
signing secret is made here and shown once. See README.md, "Events and webhooks".
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from adapters.webhooks import UrlPolicy, check_url
from adapters.webhooks.signing import new_secret
from bestshot_domain.errors import InvalidInput
from bestshot_domain.subscriptions import WebhookStore
from bestshot_routes import DATA_PROVIDER
from entrypoints.api import inputs
from entrypoints.api.operations import Operation, Reply, Security, replies
from entrypoints.api.schemas.problems import FieldError
from entrypoints.api.schemas.webhooks import (
    UUID_PATTERN,
    DeliveriesOut,
    DeliveriesQuery,
    DeliveryOut,
    ReplayQuery,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhooksOut,
)

_ID = ("id", "The subscription's id.")
_ID_PATTERN = {"id": (UUID_PATTERN, 36)}
_UNAUTHENTICATED = (401, "No credentials, or a token that proves nothing.")
_FORBIDDEN = (403, "The credentials are not accepted for this operation.")
_NOT_FOUND = (404, "No such webhook.")
_BAD_INPUT = (422, "A parameter or a field of the body is invalid; `errors` names it.")
_STORAGE_DOWN = (503, "The database is unavailable.")


def _json(model: BaseModel, status: int = 200) -> Response:
    # Admin answers: one of them holds a secret, none is to be cached anywhere.
    return Response(
        model.model_dump_json(by_alias=True),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _subscription_id(request: Request) -> uuid.UUID:
    value: str = request.path_params["id"]
    try:
        return uuid.UUID(value)
    except ValueError:
        raise inputs.invalid([FieldError(field="path.id", message="must be a UUID")]) from None


def operations(store: WebhookStore, policy: UrlPolicy) -> list[Operation]:
    base = f"{DATA_PROVIDER}/webhooks"
    one = f"{base}/{{id}}"

    async def create(request: Request) -> Response:
        body = await inputs.body(request, WebhookIn)
        try:
            await check_url(body.url, policy)
        except InvalidInput as refused:
            raise inputs.invalid([FieldError(field="body.url", message=str(refused))]) from None
        created = await store.create(body.url, body.event_types, body.tournament, new_secret())
        return _json(WebhookCreatedOut.model_validate(created), 201)

    async def list_all(request: Request) -> Response:
        found = [WebhookOut.model_validate(s) for s in await store.list()]
        return _json(WebhooksOut(webhooks=found))

    async def get_one(request: Request) -> Response:
        return _json(WebhookOut.model_validate(await store.get(_subscription_id(request))))

    async def delete(request: Request) -> Response:
        await store.delete(_subscription_id(request))
        return Response(status_code=204, headers={"Cache-Control": "no-store"})

    async def deliveries(request: Request) -> Response:
        subscription_id = _subscription_id(request)
        query = inputs.query(request, DeliveriesQuery)
        found = await store.deliveries(subscription_id, query.limit)
        return _json(DeliveriesOut(deliveries=[DeliveryOut.model_validate(d) for d in found]))

    async def replay(request: Request) -> Response:
        subscription_id = _subscription_id(request)
        query = inputs.query(request, ReplayQuery)
        await store.replay(subscription_id, query.after)
        return _json(WebhookOut.model_validate(await store.get(subscription_id)))

    return [
        Operation(
            "POST", base, create, operation_id="createWebhook",
            summary="Subscribe a URL to events",
            description="Deliveries start with the next event. The answer holds the signing "
            "secret: it is shown this once, never again. A URL the outbound guard refuses (not "
            "https, or resolving to a private, loopback or link-local address) is a 422 saying "
            "why.",
            body=WebhookIn,
            replies=replies(
                (201, Reply("The subscription, with its signing secret.", WebhookCreatedOut)),
                (400, "The body is not valid JSON."), _UNAUTHENTICATED, _FORBIDDEN,
                (413, "The body is too large."), (415, "The body is not JSON."),
                _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
        Operation(
            "GET", base, list_all, operation_id="listWebhooks",
            summary="The webhook subscriptions", description="Oldest first, without secrets.",
            replies=replies(
                (200, Reply("Every subscription.", WebhooksOut)),
                _UNAUTHENTICATED, _FORBIDDEN, _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
        Operation(
            "GET", one, get_one, operation_id="getWebhook", summary="One webhook subscription",
            path_params=(_ID,), path_patterns=_ID_PATTERN,
            replies=replies(
                (200, Reply("The subscription, without its secret.", WebhookOut)),
                _UNAUTHENTICATED, _FORBIDDEN, _NOT_FOUND, _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
        Operation(
            "DELETE", one, delete, operation_id="deleteWebhook",
            summary="Unsubscribe", description="The subscription and its delivery log go.",
            path_params=(_ID,), path_patterns=_ID_PATTERN,
            replies=replies(
                (204, Reply("Deleted.")),
                _UNAUTHENTICATED, _FORBIDDEN, _NOT_FOUND, _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
        Operation(
            "GET", f"{one}/deliveries", deliveries, operation_id="listWebhookDeliveries",
            summary="A subscription's delivery log",
            description="Each attempt: the event, the attempt's number, the receiver's status, "
            "how long it took and what went wrong.",
            path_params=(_ID,), path_patterns=_ID_PATTERN, query=DeliveriesQuery,
            replies=replies(
                (200, Reply("The latest attempts, newest first.", DeliveriesOut)),
                _UNAUTHENTICATED, _FORBIDDEN, _NOT_FOUND, _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
        Operation(
            "POST", f"{one}/replay", replay, operation_id="replayWebhook",
            summary="Deliver again from an event on",
            description="Every wanted event after `after` is delivered again, in order, with its "
            "own `webhook-id` (receivers deduplicate on it). A failing or disabled subscription "
            "becomes active.",
            path_params=(_ID,), path_patterns=_ID_PATTERN, query=ReplayQuery,
            replies=replies(
                (200, Reply("The subscription, active, due now.", WebhookOut)),
                _UNAUTHENTICATED, _FORBIDDEN, _NOT_FOUND, _BAD_INPUT, _STORAGE_DOWN,
            ),
            tag="webhooks", security=Security.ADMIN,
        ),
    ]  # fmt: skip
