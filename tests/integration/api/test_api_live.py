"""One smoke path through a real uvicorn server on loopback, over a real PostgreSQL."""

from __future__ import annotations

import socket

import httpx
import pytest

from adapters.sources.demo import reference_for
from tests.integration.api.conftest import LIVE_NOW
from tests.integration.api.live import LiveApi

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA = "/api/v2/data-provider"


def test_the_whole_path_over_http(
    live_api: LiveApi, live_admin: dict[str, str], live_internal: dict[str, str]
) -> None:
    with httpx.Client(base_url=live_api.url, timeout=30) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/ready").json() == {"status": "ready"}

        imported = client.post(
            f"{DATA}/tournaments",
            json={
                "provider": "demo",
                "reference": reference_for(11, LIVE_NOW),
                "label": "Live League",
                "rules": "premier_league",
                "zones": "1:champion,18-20:relegation",
            },
            headers=live_admin,
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["matches"]["created"] == 380

        schedules = client.post(f"{DATA}/scheduler?dryRun=true", headers=live_admin)
        assert schedules.status_code == 200
        # The API's clock is LIVE_NOW: matchday 20 kicks off later that day, nothing is under way.
        assert [s["round"] for s in schedules.json()["schedules"]] == ["matchday-20"]

        update = client.patch(
            f"{DATA}/tournaments/live-league/matches/matchday-19", headers=live_internal
        )
        assert update.status_code == 200, update.text
        assert update.json()["awaiting"] == []
        table = client.patch(f"{DATA}/tournaments/live-league/standings", headers=live_internal)
        assert table.status_code == 200, table.text
        rows = table.json()["tables"][0]["rows"]
        assert len(rows) == 20
        assert {row["played"] for row in rows} == {19}

        read = client.get("/api/v2/tournaments/live-league/standings")
        assert read.json()["tables"] == table.json()["tables"]
        assert read.headers["x-request-id"]
        cached = client.get(
            "/api/v2/tournaments/live-league/standings",
            headers={"If-None-Match": read.headers["etag"]},
        )
        assert cached.status_code == 304

        unauthorized = client.patch(f"{DATA}/tournaments/live-league/standings")
        assert unauthorized.status_code == 401
        assert unauthorized.headers["content-type"] == "application/problem+json"


def _raw_get(url: str, target: str) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer


@pytest.mark.parametrize(
    "target",
    [
        "/api/v2/tournaments/../openapi.json",
        "/api/v2/tournaments/live-league/matches/..",
        "/api/v2/tournaments/live-league/matches/../../live-league",
        "/api/v2/tournaments/%2e%2e/rounds",
        "/api/v2/tournaments/..%2f..%2fopenapi.json/rounds",
    ],
)
def test_dot_segments_sent_raw_never_reach_another_resource(live_api: LiveApi, target: str) -> None:
    status, answer = _raw_get(live_api.url, target)
    assert status in (404, 422)
    assert b"application/problem+json" in answer
    assert b'"openapi"' not in answer
