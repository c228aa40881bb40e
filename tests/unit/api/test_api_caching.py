"""The public reads' server-side cache: reused for a moment, dropped when this process writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory, SettableClock
from entrypoints.api.caching import ReadCache
from entrypoints.api.operations import Operation, Reply, replies
from entrypoints.settings import ConfigurationError, Settings, load_settings
from tests.unit.api.conftest import DEMO_ID, client_of

TABLE = f"/api/v2/tournaments/{DEMO_ID}/standings"


class CountingFactory:
    """The memory unit of work factory, counting how many units of work were opened."""

    def __init__(self, store: MemoryStore) -> None:
        self._inner = MemoryUnitOfWorkFactory(store)
        self.opened = 0

    def __call__(self) -> Any:
        self.opened += 1
        return self._inner()


@pytest.fixture
def uow_factory(store: MemoryStore) -> CountingFactory:
    return CountingFactory(store)


async def test_a_repeated_read_costs_no_storage_until_a_write(
    client: httpx.AsyncClient,
    uow_factory: CountingFactory,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    first = await client.get(TABLE)
    opened = uow_factory.opened
    second = await client.get(TABLE)
    assert uow_factory.opened == opened
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]

    clock.advance(timedelta(hours=12))
    await client.patch(
        f"/api/v2/data-provider/tournaments/{DEMO_ID}/matches/matchday-20", headers=internal
    )
    await client.patch(f"/api/v2/data-provider/tournaments/{DEMO_ID}/standings", headers=internal)
    third = await client.get(TABLE)
    assert third.headers["etag"] != first.headers["etag"]
    assert third.json()["tables"]


async def test_an_import_refreshes_the_tournament_list(
    client: httpx.AsyncClient, admin: dict[str, str], demo_import: dict[str, str]
) -> None:
    assert (await client.get("/api/v2/tournaments")).json() == {"tournaments": []}
    await client.post("/api/v2/data-provider/tournaments", json=demo_import, headers=admin)
    listed = (await client.get("/api/v2/tournaments")).json()["tournaments"]
    assert [t["id"] for t in listed] == [DEMO_ID]


async def test_with_the_cache_off_every_read_goes_to_storage(environ: dict[str, str]) -> None:
    store = MemoryStore()
    factory = CountingFactory(store)
    settings = load_settings({**environ, "READ_CACHE_SECONDS": "0"})
    async with client_of(settings, uow_factory=factory) as client:
        for _ in range(3):
            assert (await client.get("/api/v2/tournaments")).status_code == 200
    assert factory.opened == 3


def test_entries_expire_and_are_bounded() -> None:
    now = [100.0]
    cache = ReadCache(seconds=1.0, entries=2, now=lambda: now[0])
    cache.put("a", "/a", b"1")
    assert cache.get("a", "/a") is not None
    now[0] += 1.0
    assert cache.get("a", "/a") is None
    for name in ("x", "y", "z"):
        cache.put(name, f"/{name}", name.encode())
    assert cache.get("x", "/x") is None  # the oldest left
    assert cache.get("z", "/z") is not None


def test_invalidation_drops_the_tournament_and_the_lists() -> None:
    cache = ReadCache(seconds=10)
    cache.put("", "/tournaments", b"[]")
    cache.put("liga", "/tournaments/liga", b"{}")
    cache.put("copa", "/tournaments/copa", b"{}")
    cache.invalidate("liga")
    assert cache.get("", "/tournaments") is None
    assert cache.get("liga", "/tournaments/liga") is None
    assert cache.get("copa", "/tournaments/copa") is not None


def test_the_cache_may_not_outlive_what_clients_are_told(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="READ_CACHE_SECONDS"):
        load_settings({"READ_CACHE_SECONDS": "30", "PUBLIC_CACHE_MAX_AGE": "10"})


# The cache keys a read by its path alone: no cached read may depend on a query (issue 17).


class _Query(BaseModel):
    limit: int = 10


async def _nothing(request: Request) -> Response:
    return Response()


def test_a_cached_read_with_query_parameters_is_refused() -> None:
    with pytest.raises(ValueError, match="a cached read takes no query parameters"):
        Operation(
            "GET",
            "/pages",
            _nothing,
            operation_id="listPages",
            summary="Pages",
            tag="reads",
            replies=replies((200, Reply("The page."))),
            cached=True,
            query=_Query,
        )


def test_no_cached_read_of_the_api_takes_a_query_parameter(app: Starlette) -> None:
    document = app.state.openapi_document()
    cached, with_query = set(), set()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if "304" in operation["responses"]:
                cached.add((method, path))
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                with_query.add((method, path))
    assert ("get", "/api/v2/tournaments/{tournament}/standings") in cached
    assert ("get", "/api/v2/events") in with_query  # the cursor-paginated feed: never cached
    assert not cached & with_query


async def test_a_query_string_on_a_cached_read_changes_nothing(
    client: httpx.AsyncClient, uow_factory: CountingFactory, demo_league: str
) -> None:
    """Cached reads take no parameters, so any query is ignored alike and served the one body
    (keying by it would only let junk queries crowd the cache)."""
    first = await client.get(TABLE + "?foo=1")
    opened = uow_factory.opened
    second = await client.get(TABLE + "?foo=2")
    assert uow_factory.opened == opened
    assert second.content == first.content
    assert (await client.get(TABLE)).content == first.content
