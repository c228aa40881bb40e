"""Follow-ups on AWS (issue 13, point 2): with SCHEDULER_KIND=eventbridge, a round still in extra
time when its schedule fires gets a one-off follow-up schedule in the group, made by the API's
own round update; the same one when the PATCH is delivered twice; and none once the round is
final. The real API (ASGI) on moto's EventBridge Scheduler over HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from adapters.eventbridge.scheduler import EventBridgeScheduler
from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain.model import MatchStatus
from entrypoints.bootstrap import bootstrap
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.builders import T0, league_fixtures, observation
from tests.integration.aws.emulator import (
    LAMBDA_ARN,
    REGION,
    ROLE_ARN,
    get_stored,
    stored_names,
)

pytestmark = pytest.mark.integration

API = "https://api.bestshot.test"
TOKEN = f"follow-ups-internal-{uuid.uuid4().hex}"
M1, M2 = "matchday-1-t1-t4", "matchday-1-t2-t3"  # kick off at 15:00 and 17:00
PLANNED = "liga_test_2026_03_14_19_30"  # the late kickoff plus the window (2 h 30)
FOLLOW_UP = "liga_test_matchday-1_2026_03_14_19_30_f1"
ROUND = "/api/v2/data-provider/tournaments/liga-test/matches/matchday-1"


class Cloud:
    def __init__(self, client: httpx.AsyncClient, raw: Any, group: str, clock: SettableClock):
        self.client, self.raw, self.group, self.clock = client, raw, group, clock
        self.internal = {"X-Internal-Token": TOKEN}

    async def names(self) -> list[str]:
        return sorted(await stored_names(self.raw, self.group))

    async def fire(self, name: str) -> dict[str, Any]:
        """What EventBridge and the Lambda do at `name`'s time: the schedule deletes itself
        (ActionAfterCompletion) and the caller PATCHes the round with the internal token."""
        stored = (await stored_names(self.raw, self.group))[name]
        await self.raw.delete_schedule(Name=stored, GroupName=self.group)
        answer = await self.client.patch(ROUND, headers=self.internal)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


@pytest.fixture
async def cloud(moto: str, raw_client: Any) -> AsyncIterator[tuple[Cloud, ScriptedSource]]:
    group = f"follow-ups-{uuid.uuid4().hex[:8]}"
    settings = load_settings(
        {
            "API_DOMAIN": API,
            "INTERNAL_SERVICE_TOKEN": TOKEN,
            "SCHEDULER_KIND": "eventbridge",
            "EVENTBRIDGE_LAMBDA_ARN": LAMBDA_ARN,
            "EVENTBRIDGE_ROLE_ARN": ROLE_ARN,
            "EVENTBRIDGE_GROUP": group,
            "EVENTBRIDGE_ENDPOINT_URL": moto,
            "AWS_REGION": REGION,
        }
    )
    source = ScriptedSource()
    source.publish("liga", league_fixtures(4))
    clock = SettableClock(T0 - timedelta(hours=6))
    async with bootstrap(
        settings,
        uow_factory=MemoryUnitOfWorkFactory(MemoryStore()),
        sources={"scripted": source},
        clock=clock,
    ) as service:
        assert isinstance(service.scheduler, EventBridgeScheduler)
        transport = httpx.ASGITransport(app=service.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
            body = {"provider": "scripted", "reference": "liga", "label": "Liga Test"}
            imported = await client.post(
                "/api/v2/data-provider/tournaments",
                json={**body, "rules": "premier_league"},
                headers=admin,
            )
            assert imported.status_code == 200, imported.text
            yield Cloud(client, raw_client, group, clock), source


async def test_a_round_in_extra_time_gets_a_follow_up_and_once_final_none(
    cloud: tuple[Cloud, ScriptedSource],
) -> None:
    aws, source = cloud
    # The daily planning, with the internal token as the deployed trigger sends it.
    planned = await aws.client.post("/api/v2/data-provider/scheduler", headers=aws.internal)
    assert planned.status_code == 200, planned.text
    assert [s["name"] for s in planned.json()["schedules"]] == [PLANNED]
    assert await aws.names() == [PLANNED]

    # At fire time the late match is in extra time.
    aws.clock.set(T0 + timedelta(hours=4, minutes=31))
    source.report("liga", observation(M1, score=(2, 1)), observation(M2, MatchStatus.LIVE, (1, 1)))
    answer = await aws.fire(PLANNED)
    assert (answer["overdue"], answer["followUp"]) == ([f"scripted:{M2}"], FOLLOW_UP)
    assert await aws.names() == [FOLLOW_UP]
    stored = await get_stored(aws.raw, aws.group, FOLLOW_UP)
    assert stored["ScheduleExpression"] == "at(2026-03-14T20:00:00)"
    assert stored["Target"]["Arn"] == LAMBDA_ARN
    assert json.loads(stored["Target"]["Input"])["roundUrl"] == API + ROUND

    # The same PATCH delivered again (a retry) ensures the same follow-up, not a second.
    aws.clock.set(T0 + timedelta(hours=4, minutes=33))
    again = await aws.client.patch(ROUND, headers=aws.internal)
    assert again.json()["followUp"] == FOLLOW_UP
    assert await aws.names() == [FOLLOW_UP]

    # The follow-up fires once the match is final: the round is done, and nothing follows.
    aws.clock.set(T0 + timedelta(hours=5))
    source.report("liga", observation(M1, score=(2, 1)), observation(M2, score=(2, 2)))
    final = await aws.fire(FOLLOW_UP)
    assert (final["overdue"], final["followUp"]) == ([], None)
    assert await aws.names() == []
