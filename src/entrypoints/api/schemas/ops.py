"""The bodies of the operations routes: health and readiness."""

from __future__ import annotations

from typing import Literal

from entrypoints.api.schemas.common import ApiModel


class Health(ApiModel):
    status: Literal["ok"] = "ok"


class Ready(ApiModel):
    status: Literal["ready"] = "ready"
