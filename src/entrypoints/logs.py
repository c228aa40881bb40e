"""Logs as one JSON object a line, each carrying the request id of the request that wrote it.

Every record of every logger (ours, uvicorn's, httpx's ...) is redacted where it is made
(`bestshot_routes.redaction`): configured secrets and the credentials of any URL in it never
reach a handler. The handler's own filter redacts what is added after that (the extras).
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from bestshot_routes.redaction import (
    STANDARD_RECORD_ATTRIBUTES,
    RedactRecords,
    redact_every_log_record,
)

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "bestshot_request_id", default=None
)

# Libraries whose INFO lines are a subprocess's whole output: only their warnings are kept.
_CHATTY_LOGGERS = ("pgserver",)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (request_id := request_id_var.get()) is not None:
            entry["request_id"] = request_id
        # What a record has beyond the standard attributes came through `extra=`.
        for key, value in record.__dict__.items():
            if key not in STANDARD_RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_text:  # formatted, and redacted, when the record was made
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Send every logger (ours, uvicorn's, the libraries') to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactRecords(secrets))
    redact_every_log_record(secrets)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Our middleware logs every request with its id; uvicorn's access line would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
