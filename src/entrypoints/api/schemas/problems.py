"""The body of every error answer: an RFC 9457 problem."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from entrypoints.api.schemas.common import ApiModel


class FieldError(ApiModel):
    field: str = Field(description="Where: `body.provider`, `query.date`, `path.round` ...")
    message: str


class Problem(ApiModel):
    """An RFC 9457 problem; every error answer is one."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
