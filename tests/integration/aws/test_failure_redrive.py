"""Nobody loses a round silently: a firing that fails while the API is down lands in the failure
queue (moto's SQS) with its error, is re-fired by the Lambda's redrive (and by
`bestshot failures redrive`) until the API is back, and the round is updated once.

Lambda's two parts that moto does not run are played here: the on-failure destination (the
record Lambda sends to SQS after its retries) and the SQS event source (receive, hand the
records to the function, delete those not reported failed, the others reappear later)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from entrypoints import lambda_handler, lambda_tokens
from entrypoints.cli import main
from entrypoints.lambda_handler import handler
from tests.integration.aws.emulator import REGION
from tests.integration.aws.stand_ins import GuardedAPI

pytestmark = pytest.mark.integration

TOKEN = f"tok-{secrets.token_hex(24)}"
ROUND = "/api/v2/data-provider/tournaments/brasileirao-2026/matches/round-36"
STANDINGS = "/api/v2/data-provider/tournaments/brasileirao-2026/standings"


@pytest.fixture
def api(tls: SimpleNamespace) -> Iterator[GuardedAPI]:
    with GuardedAPI({TOKEN}, tls.chain, tls.key).running() as running:
        yield running


@pytest.fixture
def sqs(moto: str) -> Any:
    return boto3.client("sqs", region_name=REGION, endpoint_url=moto)


@pytest.fixture
def queue_url(sqs: Any, moto: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto)  # what `bestshot failures` reads
    return str(sqs.create_queue(QueueName="bestshot-test-failures")["QueueUrl"])


@pytest.fixture
def container(
    monkeypatch: pytest.MonkeyPatch, api: GuardedAPI, tls: SimpleNamespace
) -> Iterator[None]:
    for name in ("INTERNAL_TOKEN_SECRET_ARN", "INTERNAL_SERVICE_TOKEN_DEMO", "SENTRY_DSN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("API_DOMAIN", api.origin)
    monkeypatch.setenv("INTERNAL_SERVICE_TOKEN", TOKEN)
    monkeypatch.setenv("CALLER_ATTEMPTS", "1")
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))
    monkeypatch.setattr(lambda_handler, "_shared_client", None)
    lambda_tokens.forget_secrets()
    record_factory = logging.getLogRecordFactory()
    yield
    logging.setLogRecordFactory(record_factory)
    if lambda_handler._shared_client is not None:
        lambda_handler._shared_client.close()


def round_event(api: GuardedAPI) -> dict[str, Any]:
    return {
        "roundUrl": api.origin + ROUND,
        "standingsUrl": api.origin + STANDINGS,
        "targetEnv": "production",
    }


def fire_async(sqs: Any, queue_url: str, event: dict[str, Any]) -> None:
    """An asynchronous invocation, as Lambda runs it: on failure (after its retries, which the
    test leaves out) the on-failure destination gets a record with the event and the error."""
    try:
        handler(event, None)
    except Exception as error:
        record = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
            "responsePayload": {"errorType": type(error).__name__, "errorMessage": str(error)},
        }
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))


def event_source_mapping(sqs: Any, queue_url: str) -> dict[str, Any]:
    """One poll of Lambda's SQS event source: what the function answered, and the queue after
    it (records it reported failed become visible again, as after the visibility timeout)."""
    answer = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=1,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages = answer.get("Messages", [])
    if not messages:
        return {"polled": 0}
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m["Attributes"],
            "messageAttributes": {},
            "eventSource": "aws:sqs",
        }
        for m in messages
    ]
    result = handler({"Records": records}, None)
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    for message in messages:
        if message["MessageId"] in failed:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return {"polled": len(messages), "failed": len(failed)}


def waiting(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_an_outage_then_recovery_ends_with_the_round_updated_once(
    container: None,
    api: GuardedAPI,
    sqs: Any,
    queue_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.down = True  # an API deploy at fire time
    fire_async(sqs, queue_url, round_event(api))
    assert waiting(sqs, queue_url) == 1

    # Half an hour later, still down: re-fired, failed again, kept.
    assert event_source_mapping(sqs, queue_url) == {"polled": 1, "failed": 1}
    assert waiting(sqs, queue_url) == 1

    # What an operator sees meanwhile.
    capsys.readouterr()
    assert main(["failures", "list", "--queue-url", queue_url, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["kind"] == "round"
    assert row["what"] == api.origin + ROUND
    assert row["error"].startswith("CallUnavailable: PATCH")
    assert waiting(sqs, queue_url) == 1  # listing takes nothing away

    api.down = False
    assert event_source_mapping(sqs, queue_url) == {"polled": 1, "failed": 0}

    assert waiting(sqs, queue_url) == 0
    assert api.succeeded("PATCH", ROUND) == 1
    assert api.succeeded("PATCH", STANDINGS) == 1
    assert event_source_mapping(sqs, queue_url) == {"polled": 0}
    assert TOKEN not in capsys.readouterr().out


def test_redrive_by_hand_re_fires_deletes_successes_and_keeps_failures(
    container: None,
    api: GuardedAPI,
    sqs: Any,
    queue_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.down = True
    fire_async(sqs, queue_url, round_event(api))
    fire_async(sqs, queue_url, {"action": "plan", "targetEnv": "production", "date": "2026-05-01"})

    assert main(["failures", "redrive", "--queue-url", queue_url]) == 1
    assert "0 done, 2 still failing" in capsys.readouterr().out
    assert waiting(sqs, queue_url) == 2

    api.down = False
    assert main(["failures", "redrive", "--queue-url", queue_url]) == 0
    assert "2 done, 0 still failing" in capsys.readouterr().out
    assert waiting(sqs, queue_url) == 0
    assert api.succeeded("PATCH", ROUND) == 1
    assert api.succeeded("POST", "/api/v2/data-provider/scheduler?date=2026-05-01") == 1


def test_a_failure_older_than_the_bound_is_no_longer_re_fired(
    container: None, api: GuardedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_FAILURE_AGE_HOURS", "24")
    sent = datetime.now(UTC) - timedelta(hours=25)
    record = {
        "messageId": "m-1",
        "body": json.dumps(round_event(api)),  # the scheduler's dead letter: the input itself
        "attributes": {"SentTimestamp": str(int(sent.timestamp() * 1000))},
        "messageAttributes": {"ERROR_CODE": {"stringValue": "AWS.Lambda.ServiceException"}},
    }
    unreadable = {"messageId": "m-2", "body": "{not json", "attributes": {}}

    result = handler({"Records": [record, unreadable]}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]}
    assert api.requests == []


def test_the_queue_is_named_or_the_command_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FAILURE_QUEUE_URL", raising=False)

    assert main(["failures", "list"]) == 2
    assert "FAILURE_QUEUE_URL" in capsys.readouterr().err


def test_a_limit_below_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["failures", "redrive", "--queue-url", "https://sqs.example/q", "--limit", "0"])
    assert exited.value.code == 2
    assert "--limit: must be a whole number above 0" in capsys.readouterr().err
