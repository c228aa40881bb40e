"""The route table: each operation once, with what Starlette needs to serve it and what the
OpenAPI document needs to describe it, so the two cannot drift apart."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence

from attrs import field, frozen
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]


class Security(enum.StrEnum):
    PUBLIC = "public"
    ADMIN = "admin"  # Authorization: Bearer <JWT> with the admin claim
    INTERNAL = "internal"  # X-Internal-Token
    # Either: the X-Internal-Token when one is sent (a daily job needs no JWT_SECRET), else the
    # admin's Bearer JWT.
    ADMIN_OR_INTERNAL = "admin-or-internal"


@frozen
class Reply:
    description: str
    model: type[BaseModel] | None = None  # None: no body (304) or a problem (>= 400)


@frozen
class Operation:
    method: str
    path: str  # Starlette's and OpenAPI's template syntax agree: /tournaments/{tournament}
    endpoint: Endpoint
    operation_id: str
    summary: str
    tag: str
    replies: Mapping[int, Reply]
    security: Security = Security.PUBLIC
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    cached: bool = False  # ETag, Cache-Control and 304 on If-None-Match
    path_params: Sequence[tuple[str, str]] = field(factory=tuple)  # (name, description)
    # The (pattern, max length) of path parameters that are not slugs, by name.
    path_patterns: Mapping[str, tuple[str, int]] = field(factory=dict)
    include_in_schema: bool = True

    def __attrs_post_init__(self) -> None:
        if self.cached and self.query is not None:
            # The read cache keys a body by its path alone (`entrypoints.api.caching`): two
            # queries of one path would get each other's answer.
            raise ValueError(f"{self.operation_id}: a cached read takes no query parameters")


def replies(ok: tuple[int, Reply], *problems: tuple[int, str]) -> dict[int, Reply]:
    """A reply table: the success, then each problem status with when it happens."""
    table = {ok[0]: ok[1]}
    table.update({status: Reply(description) for status, description in problems})
    return table
