"""Planning the day's schedules takes the admin's JWT or the internal token (issue 13, point 1):
a daily job plans with the token it already has, and needs no JWT_SECRET."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.memory import MemoryScheduler
from tests.unit.api.conftest import INTERNAL_TOKENS, TokenFactory

SCHEDULER = "/api/v2/data-provider/scheduler"


@pytest.mark.parametrize("token", INTERNAL_TOKENS)
async def test_each_internal_token_plans_the_day(
    client: httpx.AsyncClient, demo_league: str, scheduler: MemoryScheduler, token: str
) -> None:
    response = await client.post(SCHEDULER, headers={"X-Internal-Token": token})
    assert response.status_code == 200, response.text
    names = [schedule["name"] for schedule in response.json()["schedules"]]
    assert names
    assert [schedule.name for schedule in await scheduler.list()] == names


async def test_the_admin_jwt_still_plans_the_day(
    client: httpx.AsyncClient, demo_league: str, admin: dict[str, str]
) -> None:
    response = await client.post(SCHEDULER, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["schedules"]


async def test_a_wrong_internal_token_is_403_even_with_a_valid_jwt(
    client: httpx.AsyncClient, admin: dict[str, str], scheduler: MemoryScheduler
) -> None:
    # The token sent is the one judged: a wrong one is not rescued by the other credential.
    wrong = "internal-token-wrong-0123456789abcdef00"
    response = await client.post(SCHEDULER, headers={**admin, "X-Internal-Token": wrong})
    assert response.status_code == 403
    assert wrong not in response.text
    assert await scheduler.list() == []


async def test_no_credentials_is_401_and_a_user_jwt_is_403(
    client: httpx.AsyncClient, make_token: TokenFactory
) -> None:
    assert (await client.post(SCHEDULER)).status_code == 401
    user = {"Authorization": f"Bearer {make_token(role='user')}"}
    assert (await client.post(SCHEDULER, headers=user)).status_code == 403


async def test_the_document_offers_either_credential(client: httpx.AsyncClient) -> None:
    document: dict[str, Any] = (await client.get("/openapi.json")).json()
    operation = document["paths"][SCHEDULER]["post"]
    assert operation["security"] == [{"adminBearer": []}, {"internalToken": []}]
    internal_only = document["paths"]["/api/v2/data-provider/tournaments/{tournament}/standings"]
    assert internal_only["patch"]["security"] == [{"internalToken": []}]
