"""Public reads: an `ETag` that is a hash of the body, 304s, and a short server-side cache.

The cache holds each read's serialized body for a second or so (`READ_CACHE_SECONDS`), so that an
app polling a table costs no database round trips. It never serves older data than the
`Cache-Control: max-age` every read already allows clients to keep, and the data-provider
routes of this process drop a tournament's entries as soon as they change it; another process's
change shows after at most the cache's lifetime.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from attrs import frozen
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

ALL_TOURNAMENTS = ""  # the key scope of reads that span every tournament (the list)


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


@frozen
class CachedBody:
    body: bytes
    tag: str
    expires: float


class ReadCache:
    """Serialized read bodies by (tournament, path), for `seconds` each, at most `entries`."""

    def __init__(
        self, seconds: float, entries: int = 4096, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._entries = entries
        self._now = now
        self._bodies: OrderedDict[tuple[str, str], CachedBody] = OrderedDict()
        # The paths cached of each scope: a write drops its tournament's entries without
        # walking the whole cache (thousands of entries: a fraction of a millisecond a write).
        self._paths: dict[str, set[str]] = {}

    def get(self, scope: str, path: str) -> CachedBody | None:
        cached = self._bodies.get((scope, path))
        if cached is None:
            return None
        if cached.expires <= self._now():
            self._forget(scope, path)
            return None
        return cached

    def put(self, scope: str, path: str, body: bytes) -> CachedBody:
        cached = CachedBody(body, entity_tag(body), self._now() + self._seconds)
        if self._seconds > 0:
            self._bodies[(scope, path)] = cached
            self._bodies.move_to_end((scope, path))
            self._paths.setdefault(scope, set()).add(path)
            while len(self._bodies) > self._entries:
                oldest_scope, oldest_path = next(iter(self._bodies))
                self._forget(oldest_scope, oldest_path)
        return cached

    def invalidate(self, tournament_id: str) -> None:
        """Forget the tournament's reads, and the reads spanning every tournament."""
        for scope in {tournament_id, ALL_TOURNAMENTS}:
            for path in self._paths.pop(scope, ()):
                del self._bodies[(scope, path)]

    def _forget(self, scope: str, path: str) -> None:
        del self._bodies[(scope, path)]
        paths = self._paths[scope]
        paths.discard(path)
        if not paths:
            del self._paths[scope]


class CachedReads:
    """Answers a public read from the cache or by building it, then applies If-None-Match."""

    def __init__(self, cache: ReadCache, max_age: int) -> None:
        self.cache = cache
        self._cache_control = f"public, max-age={max_age}, must-revalidate"

    async def answer(
        self, request: Request, scope: str, build: Callable[[], Awaitable[BaseModel]]
    ) -> Response:
        path = request.url.path
        cached = self.cache.get(scope, path)
        if cached is None:
            model = await build()
            cached = self.cache.put(scope, path, model.model_dump_json(by_alias=True).encode())
        headers = {"ETag": cached.tag, "Cache-Control": self._cache_control}
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None and _matches(if_none_match, cached.tag):
            return Response(status_code=304, headers=headers)
        return Response(cached.body, headers=headers, media_type="application/json")
