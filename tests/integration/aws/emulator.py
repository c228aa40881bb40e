"""moto's server on loopback, throwaway AWS credentials, and the EventBridge adapter on it.

Fixtures for any test that needs AWS: a conftest imports the ones it uses (this folder's
conftest, and tests/contracts' for the Scheduler contract).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiobotocore.session import get_session
from moto.server import ThreadedMotoServer

from adapters.eventbridge.requests import plan_name
from adapters.eventbridge.scheduler import EventBridgeConfig, EventBridgeScheduler

REGION = "eu-west-1"
ACCOUNT = "123456789012"
LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:caller-scores-and-standings"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/bestshot-scheduler"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:caller-scores-and-standings-dlq"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    # Port 0: the kernel picks a free port, so parallel runs never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def use_throwaway_credentials(patch: pytest.MonkeyPatch, folder: Path) -> None:
    """Throwaway credentials for the emulator, and no way to reach a real account's files
    (`folder`: an empty folder of the test's, standing for the AWS config files)."""
    empty = folder / "none"
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN"):
        patch.delenv(name, raising=False)
    patch.setenv("AWS_ACCESS_KEY_ID", "testing")
    patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    patch.setenv("AWS_DEFAULT_REGION", REGION)
    patch.setenv("AWS_CONFIG_FILE", str(empty))
    patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    patch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Throwaway credentials for the emulator, and no way to reach a real account's files."""
    use_throwaway_credentials(monkeypatch, tmp_path_factory.mktemp("aws"))


@pytest.fixture
def moto(moto_url: str, aws_credentials: None) -> str:
    """A clean emulator for each test."""
    httpx.post(f"{moto_url}/moto-api/reset").raise_for_status()
    return moto_url


def config_for(endpoint: str, **overrides: object) -> EventBridgeConfig:
    """A config on `endpoint` with a fresh group and backoffs short enough for tests."""
    values: dict[str, object] = {
        "lambda_arn": LAMBDA_ARN,
        "role_arn": ROLE_ARN,
        "api_base_url": "https://api.example.com",
        "group": f"routine-{uuid.uuid4().hex[:8]}",
        "dead_letter_arn": QUEUE_ARN,
        "region": REGION,
        "endpoint_url": endpoint,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
    }
    values.update(overrides)
    return EventBridgeConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_config(moto: str) -> Callable[..., EventBridgeConfig]:
    def make(endpoint: str | None = None, **overrides: object) -> EventBridgeConfig:
        return config_for(endpoint or moto, **overrides)

    return make


@pytest.fixture
async def raw_client(moto: str) -> AsyncIterator[Any]:
    """A plain aiobotocore client on the emulator, to check what the adapter really stored."""
    session = get_session()
    async with session.create_client("scheduler", region_name=REGION, endpoint_url=moto) as client:
        yield client


@pytest.fixture
async def eventbridge(moto: str) -> AsyncIterator[EventBridgeScheduler]:
    async with EventBridgeScheduler(config_for(moto)) as scheduler:
        yield scheduler


async def stored_names(client: Any, group: str) -> dict[str, str]:
    """The group's schedules' names in EventBridge (with the adapter's digest), by plan name."""
    listed = await client.list_schedules(GroupName=group)
    return {plan_name(summary["Name"]): summary["Name"] for summary in listed["Schedules"]}


async def get_stored(client: Any, group: str, name: str) -> Any:
    """The schedule stored for plan name `name`, as GetSchedule answers."""
    return await client.get_schedule(
        Name=(await stored_names(client, group))[name], GroupName=group
    )
