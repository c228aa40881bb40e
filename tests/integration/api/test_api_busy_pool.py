"""A burst that takes every database connection: the API answers 503 with `Retry-After` after
the short wait for a connection (not once a connection frees), and the caller comes back after
it and succeeds."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping

import asyncpg
import httpx
import pytest

from adapters.caller import CallerConfig, call_round_and_standings
from adapters.memory import SettableClock
from adapters.postgres.admin import drop_database
from adapters.sources.demo import reference_for
from adapters.stdlib_http import Reply, StdlibClient
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.api.conftest import LIVE_INTERNAL_TOKEN, LIVE_JWT_SECRET, LIVE_NOW
from tests.integration.api.live import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = "/api/v2/data-provider"
ROUND = f"{DATA}/tournaments/busy-league/matches/matchday-19"
STANDINGS = f"{DATA}/tournaments/busy-league/standings"


@pytest.fixture
def one_connection_api(postgres_server: PostgresServerForTests) -> Iterator[tuple[LiveApi, str]]:
    """An API whose pool holds a single connection, waited for 0.3 s at most."""
    name = asyncio.run(postgres_server.new_database())
    url = postgres_server.url(name)
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": url,
            "JWT_SECRET": LIVE_JWT_SECRET,
            "INTERNAL_SERVICE_TOKEN": LIVE_INTERNAL_TOKEN,
            "BESTSHOT_DB_POOL_MIN": "1",
            "BESTSHOT_DB_POOL_MAX": "1",
            "BESTSHOT_DB_ACQUIRE_TIMEOUT": "0.3",
        }
    )
    try:
        with LiveApi(settings, clock=SettableClock(LIVE_NOW)) as api:
            admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
            imported = httpx.post(
                f"{api.url}{DATA}/tournaments",
                json={
                    "provider": "demo",
                    "reference": reference_for(3, LIVE_NOW),
                    "label": "Busy League",
                    "rules": "premier_league",
                },
                headers=admin,
                timeout=60,
            )
            assert imported.status_code == 200, imported.text
            yield api, url
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


class Blocker:
    """Locks the tournaments table from outside the API, so that a request holding the API's
    only connection waits on it; `release()` lets it go."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._release = threading.Event()
        self._locked = threading.Event()
        self._waiting = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    async def _hold(self) -> None:
        connection = await asyncpg.connect(self._url)
        try:
            async with connection.transaction():
                await connection.execute("LOCK TABLE tournaments IN ACCESS EXCLUSIVE MODE")
                self._locked.set()
                while not self._release.is_set():
                    waiting = await connection.fetchval(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE application_name = 'bestshot' AND wait_event_type = 'Lock'"
                    )
                    if waiting:
                        self._waiting.set()
                    await asyncio.sleep(0.05)
        finally:
            await connection.close()

    def lock(self) -> None:
        self._thread.start()
        assert self._locked.wait(30)

    def wait_for_a_waiter(self) -> None:
        assert self._waiting.wait(30), "no request of the API waited on the lock"

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)


class Recording:
    """The caller's client, telling the test when the API turned it away."""

    def __init__(self, inner: StdlibClient) -> None:
        self.inner = inner
        self.statuses: list[int] = []
        self.turned_away = threading.Event()

    def request(self, method: str, url: str, **options: object) -> Reply:
        reply = self.inner.request(method, url, **options)  # type: ignore[arg-type]
        self.statuses.append(reply.status)
        if reply.status == 503:
            self.turned_away.set()
        return reply


def test_no_free_connection_is_a_503_with_retry_after_and_the_caller_comes_back(
    one_connection_api: tuple[LiveApi, str],
) -> None:
    api, url = one_connection_api
    internal: Mapping[str, str] = {"X-Internal-Token": LIVE_INTERNAL_TOKEN}
    blocker = Blocker(url)
    blocker.lock()
    holding: list[httpx.Response] = []
    # This request takes the pool's one connection and waits on the lock with it.
    holder = threading.Thread(
        target=lambda: holding.append(
            httpx.patch(api.url + STANDINGS, headers=internal, timeout=60)
        )
    )
    try:
        holder.start()
        blocker.wait_for_a_waiter()

        busy = httpx.patch(api.url + ROUND, headers=internal, timeout=30)

        assert holder.is_alive()  # answered while the connection was still taken
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "1"
        assert busy.headers["content-type"] == "application/problem+json"
        problem = busy.json()
        assert problem["type"] == "urn:bestshot:problem:storage-busy"
        assert problem["status"] == 503

        recording = Recording(StdlibClient())
        outcome: list[object] = []
        config = CallerConfig(attempts=5, backoff_initial=0.05, read_timeout=30)
        caller = threading.Thread(
            target=lambda: outcome.append(
                call_round_and_standings(
                    api.url + ROUND,
                    api.url + STANDINGS,
                    token=LIVE_INTERNAL_TOKEN,
                    config=config,
                    client=recording,
                )
            )
        )
        caller.start()
        assert recording.turned_away.wait(30)
    finally:
        blocker.release()
    holder.join(60)
    caller.join(60)
    recording.inner.close()

    assert holding[0].status_code == 200
    summary = outcome[0]
    assert recording.statuses[0] == 503
    assert recording.statuses[-2:] == [200, 200]
    assert summary.round.status == 200  # type: ignore[attr-defined]
    assert summary.round.attempts >= 2  # type: ignore[attr-defined]


def test_ready_stays_ready_while_every_connection_is_taken(
    one_connection_api: tuple[LiveApi, str],
) -> None:
    """A burst is no outage: the load balancer must not take the instance out for it. /ready
    answers 200 `busy` after the short wait, and `ready` once a connection is free again."""
    api, url = one_connection_api
    internal: Mapping[str, str] = {"X-Internal-Token": LIVE_INTERNAL_TOKEN}
    blocker = Blocker(url)
    blocker.lock()
    holding: list[httpx.Response] = []
    holder = threading.Thread(
        target=lambda: holding.append(
            httpx.patch(api.url + STANDINGS, headers=internal, timeout=60)
        )
    )
    try:
        holder.start()
        blocker.wait_for_a_waiter()
        busy = httpx.get(api.url + "/ready", timeout=30)
        assert holder.is_alive()  # answered while the connection was still taken
    finally:
        blocker.release()
    holder.join(60)

    assert busy.status_code == 200, busy.text
    assert busy.json() == {"status": "busy"}
    assert holding[0].status_code == 200
    ready = httpx.get(api.url + "/ready", timeout=30)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_ready_is_a_503_when_the_database_does_not_answer(
    postgres_server: PostgresServerForTests,
) -> None:
    """Not ready, for real: the database is gone (its connections terminated, its database
    dropped), not merely busy."""
    name = asyncio.run(postgres_server.new_database())
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": postgres_server.url(name),
            "JWT_SECRET": LIVE_JWT_SECRET,
            "BESTSHOT_DB_POOL_MIN": "1",
            "BESTSHOT_DB_POOL_MAX": "1",
        }
    )
    try:
        with LiveApi(settings) as api:
            assert httpx.get(api.url + "/ready", timeout=30).json() == {"status": "ready"}
            asyncio.run(drop_database(postgres_server.admin_url, name))
            gone = httpx.get(api.url + "/ready", timeout=30)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))
    assert gone.status_code == 503
    assert gone.headers["retry-after"] == "5"
    assert gone.json()["type"] == "urn:bestshot:problem:not-ready"


def test_the_webhook_routes_answer_503_with_retry_after_while_every_connection_is_taken(
    one_connection_api: tuple[LiveApi, str],
) -> None:
    """The webhook store waits as the other routes do: bounded, then `storage-busy`."""
    api, url = one_connection_api
    assert api.service is not None
    admin = {"Authorization": f"Bearer {mint_admin_token(api.service.settings)}"}
    internal: Mapping[str, str] = {"X-Internal-Token": LIVE_INTERNAL_TOKEN}
    blocker = Blocker(url)
    blocker.lock()
    holding: list[httpx.Response] = []
    holder = threading.Thread(
        target=lambda: holding.append(
            httpx.patch(api.url + STANDINGS, headers=internal, timeout=60)
        )
    )
    try:
        holder.start()
        blocker.wait_for_a_waiter()
        busy = httpx.get(f"{api.url}{DATA}/webhooks", headers=admin, timeout=30)
        assert holder.is_alive()  # answered while the connection was still taken
    finally:
        blocker.release()
    holder.join(60)

    assert busy.status_code == 503, busy.text
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["type"] == "urn:bestshot:problem:storage-busy"
    assert holding[0].status_code == 200
    listed = httpx.get(f"{api.url}{DATA}/webhooks", headers=admin, timeout=30)
    assert listed.status_code == 200
    assert listed.json() == {"webhooks": []}
