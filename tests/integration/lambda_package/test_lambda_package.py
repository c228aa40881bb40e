"""The deployable zip and the SAM template: what they hold, and that the zip runs on its own."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "infra" / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded, problems = decode(str(TEMPLATE))
    assert problems == []
    assert loaded is not None
    return dict(loaded)


def _statements(role: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for policy in role["Properties"]["Policies"]:
        yield from policy["PolicyDocument"]["Statement"]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def test_the_function_is_the_handler_on_arm64(template: dict[str, Any]) -> None:
    function = template["Resources"]["CallerFunction"]["Properties"]
    assert function["FunctionName"] == {"Fn::Sub": "bestshot-${Stage}-caller"}
    assert function["Handler"] == "entrypoints.lambda_handler.handler"
    assert function["Architectures"] == ["arm64"]
    assert function["CodeUri"] == "../dist/caller-scores-and-standings.zip"
    on_failure = function["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["FailureQueue", "Arn"]}}


def test_no_secret_is_in_the_function_s_configuration(template: dict[str, Any]) -> None:
    function = template["Resources"]["CallerFunction"]["Properties"]
    variables = function["Environment"]["Variables"]
    assert variables["API_DOMAIN"]["Fn::Sub"].startswith("{{resolve:ssm:")
    # The token is read at run time through the extension's layer, from the secret's ARN.
    assert variables["INTERNAL_TOKEN_SECRET_ARN"] == {"Ref": "InternalTokenSecretArn"}
    assert function["Layers"] == [{"Ref": "SecretsExtensionLayerArn"}]
    assert not {"INTERNAL_SERVICE_TOKEN", "JWT_SECRET"} & set(variables)
    assert "resolve:secretsmanager" not in json.dumps(template)
    assert template["Parameters"]["SentryDsn"]["NoEcho"] is True


def test_the_roles_grant_only_what_is_needed(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    caller = {
        action: statement["Resource"]
        for statement in _statements(resources["CallerRole"])
        for action in _as_list(statement["Action"])
    }
    queue = {"Fn::GetAtt": ["FailureQueue", "Arn"]}
    assert caller == {
        "logs:CreateLogStream": {"Fn::GetAtt": ["CallerLogGroup", "Arn"]},
        "logs:PutLogEvents": {"Fn::GetAtt": ["CallerLogGroup", "Arn"]},
        "secretsmanager:GetSecretValue": {"Ref": "InternalTokenSecretArn"},
        "sqs:SendMessage": queue,
        "sqs:ReceiveMessage": queue,
        "sqs:DeleteMessage": queue,
        "sqs:ChangeMessageVisibility": queue,
        "sqs:GetQueueAttributes": queue,
    }
    scheduler = {
        statement["Action"]: statement["Resource"]
        for statement in _statements(resources["SchedulerRole"])
    }
    assert scheduler == {
        "lambda:InvokeFunction": {"Fn::GetAtt": ["CallerFunction", "Arn"]},
        "sqs:SendMessage": queue,
    }
    assert resources["ScheduleGroup"]["Type"] == "AWS::Scheduler::ScheduleGroup"


@pytest.mark.integration
@pytest.mark.slow
def test_the_zip_holds_only_what_the_handler_needs_and_runs_alone(tmp_path: Path) -> None:
    output = tmp_path / "caller.zip"
    subprocess.run(  # noqa: S603 - our own build script
        [sys.executable, str(ROOT / "infra/build_lambda_zip.py"), "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "task")
    top = {name.split("/")[0] for name in names}
    ours_top = {"entrypoints", "adapters", "bestshot_domain", "bestshot_routes"}
    assert {*ours_top, "sentry_sdk", "tzdata"} <= top
    forbidden = {"boto3", "botocore", "aiobotocore", "pydantic", "asyncpg", "starlette"}
    assert not top & {*forbidden, "httpx", "httpcore", "tenacity", "anyio"}
    ours = sorted(n for n in names if n.split("/")[0] in ours_top)
    assert [n for n in ours if n.endswith(".py")] == [
        "adapters/__init__.py",
        "adapters/caller.py",
        "adapters/secrets_extension.py",
        "adapters/stdlib_http.py",
        "bestshot_domain/__init__.py",
        "bestshot_domain/errors.py",
        "bestshot_routes/__init__.py",
        "bestshot_routes/paths.py",
        "bestshot_routes/redaction.py",
        "bestshot_routes/targets.py",
        "entrypoints/__init__.py",
        "entrypoints/lambda_events.py",
        "entrypoints/lambda_handler.py",
        "entrypoints/lambda_tokens.py",
    ]

    # Nothing but the zip and the standard library: -I -S leaves out this virtualenv.
    script = (
        "import sys, json; sys.path.insert(0, sys.argv[1]);"
        "from entrypoints.lambda_handler import handler;"
        "print(json.dumps(sorted(m for m in sys.modules if '.' not in m)))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path / "task")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = set(json.loads(done.stdout))
    assert {"entrypoints", "bestshot_routes", "http", "ssl"} <= loaded
    assert not loaded & {"sentry_sdk", "boto3", "botocore", "pydantic", "anyio", "attrs"}
    # Neither an HTTP nor a retry library, nor what the standard library's heavier parts cost.
    assert not loaded & {"httpx", "tenacity", "urllib3", "asyncio", "dataclasses", "inspect"}
