"""`bestshot failures list|redrive`: the Lambda's failure queue, by hand.

`list` shows each failed invocation (when it first failed, what it was, its error) and leaves
it in the queue. `redrive` re-fires each as the Lambda's own redrive does, with the same code
(`entrypoints.lambda_handler`, so the same target check and age bound), deletes the ones that
succeed and releases the others at once. It is configured as the Lambda is: `API_DOMAIN` and the
token (`INTERNAL_SERVICE_TOKEN`, the current one); the queue is `--queue-url` or
`FAILURE_QUEUE_URL` (the stack's `FailureQueueUrl` output). infra/README.md says when to use it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.extras import needs_extra
from bestshot_domain.errors import InvalidInput
from entrypoints import lambda_events
from entrypoints.commands import HELP

if TYPE_CHECKING:
    from adapters.sqs_failures import QueuedFailure

HOLD_WHILE_LISTING = 30  # seconds: long enough to page through the queue, then released
HOLD_WHILE_REDRIVING = 900  # seconds: the re-fires of a batch, with every retry


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, got {text!r}")
    return value


def _queue_url(args: argparse.Namespace) -> str:
    url: str = args.queue_url or os.environ.get("FAILURE_QUEUE_URL", "")
    if not url:
        raise InvalidInput("no queue: give --queue-url or set FAILURE_QUEUE_URL")
    return url


def describe(failure: QueuedFailure, now: datetime) -> dict[str, Any]:
    [read] = lambda_events.failed_records({"Records": [failure.as_lambda_record()]})
    row: dict[str, Any] = {
        "messageId": failure.message_id,
        "failedAt": failure.sent_at.isoformat(),
        "ageHours": round((now - failure.sent_at).total_seconds() / 3600, 1),
        "receives": int(failure.attributes.get("ApproximateReceiveCount", 0)),
    }
    if isinstance(read, str):
        return {**row, "kind": "unreadable", "what": "", "error": None}
    event = read.event if isinstance(read.event, dict) else {}
    if lambda_events.is_planning(event):
        kind, what = "plan", str(event.get("date") or event.get("scheduledTime") or "today")
    else:
        kind, what = "round", str(event.get("roundUrl", ""))
    return {**row, "kind": kind, "what": what, "error": read.error}


async def list_failures(queue_url: str, limit: int) -> list[dict[str, Any]]:
    with needs_extra("aws", "bestshot failures", "aiobotocore", "botocore"):
        from adapters.sqs_failures import FailureQueue  # noqa: PLC0415 - the aws extra

    now = datetime.now(UTC)
    async with FailureQueue.open(queue_url) as queue:
        taken = await queue.take(limit, HOLD_WHILE_LISTING)
        try:
            return sorted(
                (describe(failure, now) for failure in taken), key=lambda r: r["failedAt"]
            )
        finally:
            for failure in taken:
                await queue.release(failure)


async def redrive_failures(queue_url: str, limit: int) -> tuple[int, int]:
    """(re-fired with success, still failing)."""
    with needs_extra("aws", "bestshot failures", "aiobotocore", "botocore"):
        from adapters.sqs_failures import FailureQueue  # noqa: PLC0415 - the aws extra
    from entrypoints.lambda_handler import handler  # noqa: PLC0415 - httpx, only to redrive

    async with FailureQueue.open(queue_url) as queue:
        taken = await queue.take(limit, HOLD_WHILE_REDRIVING)
        event = {"Records": [failure.as_lambda_record() for failure in taken]}
        try:
            # The handler blocks (httpx's sync client), as it does in the Lambda.
            answer = await asyncio.to_thread(handler, event, None) if taken else {}
        except BaseException:
            for failure in taken:
                await queue.release(failure)
            raise
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        for failure in taken:
            if failure.message_id in failed:
                await queue.release(failure)
            else:
                await queue.delete(failure)
    return len(taken) - len(failed), len(failed)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no failed invocations"
    lines = [["FAILED AT (UTC)", "AGE (H)", "KIND", "WHAT", "ERROR"]]
    for row in rows:
        when = row["failedAt"][:16].replace("T", " ")
        lines.append([when, str(row["ageHours"]), row["kind"], row["what"], row["error"] or ""])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _list(args: argparse.Namespace) -> int:
    rows = asyncio.run(list_failures(_queue_url(args), args.limit))
    print(json.dumps(rows, indent=2) if args.json else _table(rows))
    return 0


def _redrive(args: argparse.Namespace) -> int:
    done, failing = asyncio.run(redrive_failures(_queue_url(args), args.limit))
    print(f"re-fired {done + failing}: {done} done, {failing} still failing (left in the queue)")
    return 1 if failing else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "failures",
        help=HELP["failures"],
        description="The failure queue by hand: what failed and why, or re-fire it now.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    for name, handler, helping in (
        ("list", _list, "list the failed invocations; they stay in the queue"),
        ("redrive", _redrive, "re-fire them now; delete those that succeed"),
    ):
        action = actions.add_parser(name, help=helping)
        action.add_argument("--queue-url", help="default: FAILURE_QUEUE_URL")
        action.add_argument("--limit", type=_positive, default=100, help="at most this many (100)")
        if name == "list":
            action.add_argument("--json", action="store_true", help="print JSON")
        action.set_defaults(handler=handler)
