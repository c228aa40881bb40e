"""Operational endpoints: liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.errors import BestshotError, StorageBusy
from entrypoints.api.operations import Operation, Reply, replies
from entrypoints.api.problems import ApiProblem
from entrypoints.api.schemas.ops import Health, Ready

ReadyCheck = Callable[[], Awaitable[None]]
"""Raises when the service cannot serve (typically: the database does not answer); StorageBusy
when no connection came free within its short wait, which still counts as ready."""


def operations(ready_check: ReadyCheck, document: Callable[[], dict[str, Any]]) -> list[Operation]:
    health_body = Health().model_dump_json().encode()
    ready_body = Ready().model_dump_json().encode()
    busy_body = Ready(status="busy").model_dump_json().encode()
    openapi_body: bytes | None = None

    async def health(request: Request) -> Response:
        return Response(health_body, media_type="application/json")

    async def ready(request: Request) -> Response:
        try:
            await ready_check()
        except StorageBusy:
            # A burst took every connection: a load balancer that took the instance out for it
            # would only push the burst onto the others (README, "Bursts, workers and pool
            # sizes"). An outage fails the connections' requests, which gives them back.
            return Response(busy_body, media_type="application/json")
        except (BestshotError, OSError, TimeoutError) as error:
            raise ApiProblem(
                503,
                "not ready: the database does not answer",
                kind="not-ready",
                headers={"Retry-After": "5"},
            ) from error
        return Response(ready_body, media_type="application/json")

    async def openapi(request: Request) -> Response:
        nonlocal openapi_body
        if openapi_body is None:  # built once, on first use: the table does not change
            openapi_body = json.dumps(document(), separators=(",", ":")).encode()
        return Response(openapi_body, media_type="application/json")

    return [
        Operation(
            "GET",
            "/health",
            health,
            operation_id="health",
            summary="The process is up",
            tag="operations",
            replies=replies((200, Reply("Up.", Health))),
        ),
        Operation(
            "GET",
            "/ready",
            ready,
            operation_id="ready",
            summary="The database answers",
            tag="operations",
            replies=replies(
                (200, Reply("Ready to serve (`busy`: under a burst, still serving).", Ready)),
                (503, "The database does not answer."),
            ),
        ),
        Operation(
            "GET",
            "/openapi.json",
            openapi,
            operation_id="openapi",
            summary="This document",
            tag="operations",
            replies={200: Reply("The OpenAPI 3.1 document.")},
        ),
    ]
