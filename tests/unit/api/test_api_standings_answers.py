"""PATCH standings answers the tables stored now: the same answer while nothing changed, new
tables once a round update changed what they are computed from."""

from __future__ import annotations

from datetime import timedelta

import httpx

from adapters.memory import SettableClock
from tests.unit.api.conftest import DEMO_ID

API = "/api/v2"
DATA = f"{API}/data-provider"


async def test_the_answer_follows_the_stored_tables(
    client: httpx.AsyncClient,
    internal: dict[str, str],
    demo_league: str,
    clock: SettableClock,
) -> None:
    standings = f"{DATA}/tournaments/{DEMO_ID}/standings"
    first = await client.patch(standings, headers=internal)
    again = await client.patch(standings, headers=internal)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["cache-control"] == "no-store"

    clock.advance(timedelta(hours=12))  # matchday 20 is over
    update = await client.patch(
        f"{DATA}/tournaments/{DEMO_ID}/matches/matchday-20", headers=internal
    )
    assert update.json()["written"] == 10
    after = await client.patch(standings, headers=internal)
    assert after.json()["computedAt"] != first.json()["computedAt"]
    assert {row["played"] for row in after.json()["tables"][0]["rows"]} == {20}
    read = await client.get(f"{API}/tournaments/{DEMO_ID}/standings")
    assert read.json()["tables"] == after.json()["tables"]
