"""The bodies of the operations routes: health and readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from entrypoints.api.schemas.common import ApiModel


class Health(ApiModel):
    status: Literal["ok"] = "ok"


class Ready(ApiModel):
    status: Literal["ready", "busy"] = Field(
        default="ready",
        description="`ready`: the database answered. `busy`: every database connection of this "
        "process stayed in use for the short wait (a burst, not an outage): the process still "
        "serves, and a request that finds no connection free in time is answered 503 with "
        "Retry-After.",
    )
