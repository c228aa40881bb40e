"""The public reads' server-side cache: reused for a moment, dropped when this process writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory, SettableClock
from entrypoints.api.caching import ReadCache
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
