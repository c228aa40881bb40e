"""The Lambda as deployed: its token from Secrets Manager (moto's, through a stand-in for the
Parameters and Secrets extension), the daily planning event, and a rotation that moves on.

The API is a loopback https server that checks `X-Internal-Token` (the API side of accepting
the token for planning is tested with the API itself)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from adapters.caller import CallRejected
from adapters.secrets_extension import SecretUnavailable
from entrypoints import lambda_handler, lambda_tokens
from entrypoints.lambda_handler import handler
from tests.integration.aws.emulator import REGION
from tests.integration.aws.stand_ins import GuardedAPI, SecretsExtension

pytestmark = pytest.mark.integration

SESSION = f"session-{secrets.token_hex(8)}"
OLD = f"old-{secrets.token_hex(24)}"
NEW = f"new-{secrets.token_hex(24)}"
SCHEDULER = "/api/v2/data-provider/scheduler"
ROUND = "/api/v2/data-provider/tournaments/brasileirao-2026/matches/round-36"
STANDINGS = "/api/v2/data-provider/tournaments/brasileirao-2026/standings"
CONTEXT = SimpleNamespace(aws_request_id="req-aws")


@pytest.fixture
def secret_arn(moto: str) -> str:
    client = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto)
    return str(client.create_secret(Name="bestshot/test/internal", SecretString=OLD)["ARN"])


def rotate(moto: str, arn: str, value: str) -> None:
    client = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto)
    client.put_secret_value(SecretId=arn, SecretString=value)


@pytest.fixture
def extension(moto: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretsExtension]:
    with SecretsExtension(moto, REGION, SESSION).running() as running:
        monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", str(running.port))
        yield running


@pytest.fixture
def api(tls: SimpleNamespace) -> Iterator[GuardedAPI]:
    with GuardedAPI({OLD}, tls.chain, tls.key).running() as running:
        yield running


@pytest.fixture
def container(
    monkeypatch: pytest.MonkeyPatch,
    api: GuardedAPI,
    extension: SecretsExtension,
    secret_arn: str,
    tls: SimpleNamespace,
) -> Iterator[None]:
    """The function's environment as the template sets it: no token, the secret's ARN."""
    for name in ("INTERNAL_SERVICE_TOKEN", "INTERNAL_SERVICE_TOKEN_DEMO", "SENTRY_DSN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("API_DOMAIN", api.origin)
    monkeypatch.setenv("INTERNAL_TOKEN_SECRET_ARN", secret_arn)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION)  # the runtime sets it; the extension checks it
    monkeypatch.setenv("CALLER_ATTEMPTS", "1")
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))
    monkeypatch.setattr(lambda_handler, "_shared_client", None)
    lambda_tokens.forget_secrets()
    record_factory = logging.getLogRecordFactory()
    yield
    logging.setLogRecordFactory(record_factory)
    lambda_tokens.forget_secrets()
    if lambda_handler._shared_client is not None:
        lambda_handler._shared_client.close()


def round_event(api: GuardedAPI) -> dict[str, Any]:
    return {
        "roundUrl": api.origin + ROUND,
        "standingsUrl": api.origin + STANDINGS,
        "targetEnv": "production",
    }


def test_the_daily_planning_posts_the_scheduler_route_with_the_secret_token(
    container: None, api: GuardedAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {"action": "plan", "targetEnv": "production", "scheduledTime": "2026-05-01T09:00:00Z"}

    result = handler(event, CONTEXT)

    assert result["status"] == 200
    [request] = api.requests
    assert (request.method, request.path, request.token) == (
        "POST",
        f"{SCHEDULER}?date=2026-05-01",
        OLD,
    )
    out = capsys.readouterr().out
    assert json.loads(out)["action"] == "plan"
    assert OLD not in out


def test_a_plan_accepted_to_go_on_in_the_background_is_done_for_the_lambda(
    container: None, api: GuardedAPI
) -> None:
    api.accepting = True
    event = {"action": "plan", "targetEnv": "production", "scheduledTime": "2026-05-01T09:00:00Z"}

    result = handler(event, CONTEXT)

    assert result["status"] == 202
    assert result["body"]["status"] == "pending"
    assert len(api.requests) == 1  # accepted: not retried, not failed


def test_the_planned_day_is_the_schedule_time_zone_s(
    container: None, api: GuardedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 01:30 UTC on 2 May is still 1 May in São Paulo, where the schedule runs at 22:30.
    monkeypatch.setenv("PLANNING_TIME_ZONE", "America/Sao_Paulo")

    handler(
        {"action": "plan", "targetEnv": "production", "scheduledTime": "2026-05-02T01:30:00Z"},
        CONTEXT,
    )

    assert [r.path for r in api.requests] == [f"{SCHEDULER}?date=2026-05-01"]


def test_the_token_is_read_once_per_container(
    container: None, api: GuardedAPI, extension: SecretsExtension
) -> None:
    handler(round_event(api), CONTEXT)
    handler({"action": "plan", "targetEnv": "production"}, CONTEXT)

    assert len(extension.reads) == 1
    assert [r.token for r in api.requests] == [OLD, OLD, OLD]
    assert [r.path for r in api.requests][-1] == SCHEDULER  # no day: the API's today


def test_a_refused_token_is_read_again_once_then_the_call_succeeds(
    container: None, api: GuardedAPI, extension: SecretsExtension, moto: str, secret_arn: str
) -> None:
    handler(round_event(api), CONTEXT)  # the container now holds OLD
    # The rotation's last step: the secret holds NEW and the API no longer accepts OLD.
    rotate(moto, secret_arn, NEW)
    api.accepted = {NEW}

    handler(round_event(api), CONTEXT)

    assert extension.refreshes() == 1
    assert [(r.path, r.token, r.status) for r in api.requests[2:]] == [
        (ROUND, OLD, 403),
        (ROUND, NEW, 200),
        (STANDINGS, NEW, 200),
    ]


def test_a_token_refused_after_the_fresh_read_fails_the_invocation(
    container: None,
    api: GuardedAPI,
    extension: SecretsExtension,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.accepted = {NEW}  # the secret still holds OLD: a rotation done in the wrong order

    with pytest.raises(CallRejected, match="403"):
        handler(round_event(api), CONTEXT)

    assert extension.refreshes() == 1
    assert [r.status for r in api.requests] == [403]  # the same token is not sent twice
    assert OLD not in capsys.readouterr().out


def test_without_the_extension_the_invocation_fails_naming_it(
    container: None, api: GuardedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "1")  # nothing listens there

    with pytest.raises(SecretUnavailable, match="is its layer on the function"):
        handler(round_event(api), CONTEXT)
    assert api.requests == []


def test_the_extension_refuses_a_caller_without_the_session_token(
    container: None, api: GuardedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "someone-else")

    with pytest.raises(SecretUnavailable, match="HTTP 401"):
        handler(round_event(api), CONTEXT)
    assert api.requests == []
