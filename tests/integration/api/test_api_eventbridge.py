"""With SCHEDULER_KIND=eventbridge, the composition root wires the EventBridge adapter: the
scheduler endpoint creates the day's schedules in AWS (moto's server on loopback)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from adapters.eventbridge.scheduler import EventBridgeScheduler
from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.demo import DemoSource, reference_for
from entrypoints.bootstrap import bootstrap
from entrypoints.commands.token import mint_admin_token
from entrypoints.settings import load_settings
from tests.integration.aws.emulator import LAMBDA_ARN, REGION, ROLE_ARN, get_stored
from tests.unit.api.conftest import NOW

pytestmark = pytest.mark.integration

GROUP = "api-routine"


async def test_the_day_s_schedules_land_in_eventbridge(moto: str, raw_client: Any) -> None:
    settings = load_settings(
        {
            "API_DOMAIN": "https://api.bestshot.test",
            "SCHEDULER_KIND": "eventbridge",
            "EVENTBRIDGE_LAMBDA_ARN": LAMBDA_ARN,
            "EVENTBRIDGE_ROLE_ARN": ROLE_ARN,
            "EVENTBRIDGE_GROUP": GROUP,
            "EVENTBRIDGE_ENDPOINT_URL": moto,
            "AWS_REGION": REGION,
        }
    )
    clock = SettableClock(NOW)
    async with bootstrap(
        settings,
        uow_factory=MemoryUnitOfWorkFactory(MemoryStore()),
        sources={"demo": DemoSource(clock)},
        clock=clock,
    ) as service:
        assert isinstance(service.scheduler, EventBridgeScheduler)
        transport = httpx.ASGITransport(app=service.app())
        admin = {"Authorization": f"Bearer {mint_admin_token(settings)}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            imported = await client.post(
                "/api/v2/data-provider/tournaments",
                json={
                    "provider": "demo",
                    "reference": reference_for(3, NOW),
                    "label": "Cloud League",
                    "rules": "premier_league",
                },
                headers=admin,
            )
            assert imported.status_code == 200, imported.text
            created = await client.post("/api/v2/data-provider/scheduler", headers=admin)
            assert created.status_code == 200, created.text
            again = await client.post("/api/v2/data-provider/scheduler", headers=admin)

    schedules = created.json()["schedules"]
    assert [s["status"] for s in schedules] == ["created"]
    assert [s["status"] for s in again.json()["schedules"]] == ["unchanged"]
    stored = await get_stored(raw_client, GROUP, schedules[0]["name"])
    assert stored["ScheduleExpression"] == schedules[0]["expression"]
    assert stored["Target"]["Arn"] == LAMBDA_ARN
    assert json.loads(stored["Target"]["Input"]) == schedules[0]["target"]
