"""The failure queue (SQS) through aiobotocore: failed invocations of the Lambda, taken for a
while, then deleted (re-fired with success) or released (still failing).

What a message means is the Lambda's business (`entrypoints.lambda_events`); this adapter only
moves messages. The endpoint comes from botocore's own settings (`AWS_ENDPOINT_URL_SQS`, moto's
server in tests). Every call has a connect and read deadline and a bounded number of retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from bestshot_domain.errors import BestshotError

__all__ = ["FailureQueue", "FailureQueueUnavailable", "QueuedFailure"]

_CONFIG = AioConfig(
    connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"}
)
MAX_BATCH = 10  # what one ReceiveMessage returns at most


class FailureQueueUnavailable(BestshotError):
    """SQS refused or could not be reached; says which operation."""


@dataclass(frozen=True, slots=True)
class QueuedFailure:
    message_id: str
    receipt_handle: str = field(repr=False)
    body: str
    attributes: dict[str, str]  # SentTimestamp, ApproximateReceiveCount ...
    message_attributes: dict[str, Any]

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(int(self.attributes.get("SentTimestamp", 0)) / 1000, UTC)

    def as_lambda_record(self) -> dict[str, Any]:
        """The record as Lambda's SQS event source hands it to the function."""
        return {
            "messageId": self.message_id,
            "receiptHandle": self.receipt_handle,
            "body": self.body,
            "attributes": self.attributes,
            "messageAttributes": {
                name: {"stringValue": value.get("StringValue"), "dataType": value.get("DataType")}
                for name, value in self.message_attributes.items()
            },
            "eventSource": "aws:sqs",
        }


class FailureQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    @classmethod
    @asynccontextmanager
    async def open(cls, queue_url: str, region: str | None = None) -> AsyncIterator[FailureQueue]:
        session = get_session()
        async with session.create_client("sqs", region_name=region, config=_CONFIG) as client:
            yield cls(client, queue_url)

    async def take(self, limit: int, hold_seconds: int) -> list[QueuedFailure]:
        """Up to `limit` messages, hidden from others for `hold_seconds`."""
        taken: dict[str, QueuedFailure] = {}
        while len(taken) < limit:
            answer = await self._call(
                "ReceiveMessage",
                QueueUrl=self._url,
                MaxNumberOfMessages=min(MAX_BATCH, limit - len(taken)),
                VisibilityTimeout=hold_seconds,
                WaitTimeSeconds=0,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            messages = answer.get("Messages") or []
            if not messages:
                break
            for message in messages:
                taken[message["MessageId"]] = QueuedFailure(
                    message_id=message["MessageId"],
                    receipt_handle=message["ReceiptHandle"],
                    body=message.get("Body", ""),
                    attributes=dict(message.get("Attributes") or {}),
                    message_attributes=dict(message.get("MessageAttributes") or {}),
                )
        return list(taken.values())

    async def delete(self, failure: QueuedFailure) -> None:
        await self._call("DeleteMessage", QueueUrl=self._url, ReceiptHandle=failure.receipt_handle)

    async def release(self, failure: QueuedFailure) -> None:
        """Visible again at once (for the next redrive, by hand or by the Lambda)."""
        await self._call(
            "ChangeMessageVisibility",
            QueueUrl=self._url,
            ReceiptHandle=failure.receipt_handle,
            VisibilityTimeout=0,
        )

    async def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        method = {
            "ReceiveMessage": self._client.receive_message,
            "DeleteMessage": self._client.delete_message,
            "ChangeMessageVisibility": self._client.change_message_visibility,
        }[operation]
        try:
            answer: dict[str, Any] = await method(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "?")
            raise FailureQueueUnavailable(f"SQS {operation} failed: {code}") from None
        except BotoCoreError as error:
            raise FailureQueueUnavailable(
                f"SQS {operation} failed: {type(error).__name__}"
            ) from None
        return answer
