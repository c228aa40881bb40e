"""Days from outside the accepted range (1900-01-01 to 2200-12-31) are a 422 naming the
parameter and the range, never a 500 from date arithmetic that overflows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

API = "/api/v2"
DATA = f"{API}/data-provider"
RANGE = "from 1900-01-01 to 2200-12-31"


def _invalid(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == 422
    return body


@pytest.fixture(params=["Pacific/Kiritimati", "Etc/GMT+12", "America/Sao_Paulo"])
async def zoned_league(
    request: pytest.FixtureRequest,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    demo_import: dict[str, str],
) -> str:
    """A demo league kept in a time zone far east or west of UTC."""
    body = {**demo_import, "timezone": request.param}
    response = await client.post(f"{DATA}/tournaments", json=body, headers=admin)
    assert response.status_code == 200, response.text
    return request.param


@pytest.mark.parametrize(
    "day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01", "0001-01-02"]
)
async def test_a_day_outside_the_range_is_422_naming_the_parameter_and_the_range(
    client: httpx.AsyncClient, admin: dict[str, str], zoned_league: str, day: str
) -> None:
    for dry_run in ("true", "false"):
        response = await client.post(
            f"{DATA}/scheduler", params={"dryRun": dry_run, "date": day}, headers=admin
        )
        body = _invalid(response)
        [error] = body["errors"]
        assert error["field"] == "query.date"
        assert RANGE in error["message"]


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
async def test_the_range_s_first_and_last_days_are_planned(
    client: httpx.AsyncClient, admin: dict[str, str], zoned_league: str, day: str
) -> None:
    response = await client.post(
        f"{DATA}/scheduler", params={"dryRun": "true", "date": day}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["day"] == day


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
async def test_a_demo_reference_outside_the_range_is_422_naming_it_and_the_range(
    client: httpx.AsyncClient, admin: dict[str, str], demo_import: dict[str, str], day: str
) -> None:
    reference = f"42/{day}"
    body = {**demo_import, "reference": reference, "timezone": "Pacific/Kiritimati"}
    response = await client.post(f"{DATA}/tournaments", json=body, headers=admin)
    problem = _invalid(response)
    assert reference in problem["detail"]
    assert RANGE in problem["detail"]
    listed = await client.get(f"{API}/tournaments")
    assert listed.json()["tournaments"] == []  # nothing written
