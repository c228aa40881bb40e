"""Conditional GETs for the public reads: an `ETag` that is a hash of the body, and 304s."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): `W/` is ignored on both sides; `*` matches any."""
    if if_none_match.strip() == "*":
        return True
    bare = tag.removeprefix("W/")
    return any(
        candidate.strip().removeprefix("W/") == bare for candidate in if_none_match.split(",")
    )


def cached_json(request: Request, model: BaseModel, max_age: int) -> Response:
    """The model as JSON, or 304 when the client already holds exactly this body."""
    body = model.model_dump_json(by_alias=True).encode()
    tag = entity_tag(body)
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={max_age}, must-revalidate",
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and _matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="application/json")
