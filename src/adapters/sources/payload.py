"""Decoding and validating provider payloads so that every failure names where it happened.

Paths look like `events[2].competitions[0].status.type.name`; `$` is the whole document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bestshot_domain.errors import SourceFormatError

ROOT = "$"

M = TypeVar("M", bound=BaseModel)


def load_json(provider: str, raw: bytes | str) -> object:
    """Decode a JSON document, tolerating a UTF-8 byte order mark."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SourceFormatError(provider, ROOT, f"not UTF-8 text ({error.reason})") from error
    try:
        return json.loads(text)
    except RecursionError:
        raise SourceFormatError(provider, ROOT, "JSON nested too deeply to read") from None
    except json.JSONDecodeError as error:
        raise SourceFormatError(
            provider,
            ROOT,
            f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})",
        ) from error


def decode_text(provider: str, raw: bytes | str) -> str:
    """Text of an HTML page: UTF-8 (FBref's encoding), tolerating a byte order mark."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceFormatError(provider, ROOT, f"not UTF-8 text ({error.reason})") from error


def join_path(*parts: str | int) -> str:
    """`("events", 2, "status")` -> `events[2].status`."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif path:
            path += f".{part}"
        else:
            path = part
    return path or ROOT


def under(prefix: str, path: str) -> str:
    """`path` (relative to an object) seen from the document: `under("events[2]", "id")`."""
    if path == ROOT:
        return prefix
    if prefix == ROOT or not prefix:
        return path
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),  # before int: a bool is an int to Python
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "an object"),
)


def _describe(error: Any) -> str:
    message = str(error.get("msg", "invalid value"))
    if error.get("type") == "missing":
        return message
    # The kind of what was there, never the value: a payload may be a file read on an admin's
    # request, and an error message must not become a way to read it.
    value = error.get("input")
    kind = "null" if value is None else next((k for t, k in _KINDS if isinstance(value, t)), None)
    return f"{message}, got {kind}" if kind else message


def validate(provider: str, model: type[M], data: object, prefix: str = ROOT) -> M:
    """`model` validated from `data`; the first problem raised as a SourceFormatError."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        more = error.error_count() - 1
        message = _describe(first) + (f" (and {more} more problems)" if more else "")
        raise SourceFormatError(provider, under(prefix, join_path(*loc)), message) from None


def format_error(provider: str, path: Sequence[str | int] | str, message: str) -> SourceFormatError:
    where = path if isinstance(path, str) else join_path(*path)
    return SourceFormatError(provider, where, message)


def _external_id(value: object) -> object:
    # Providers send ids as numbers (football-data, SofaScore) or strings (ESPN); we keep text.
    if isinstance(value, bool):
        return value  # left for the str validator to reject
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and not value.strip():
        raise ValueError("an id is not empty")
    return value


ExternalId = Annotated[str, BeforeValidator(_external_id)]
"""A provider id: a non-empty string, or an integer kept as its decimal text."""


class Payload(BaseModel):
    """Base of the payload models: unknown fields ignored, nothing mutable."""

    model_config = ConfigDict(extra="ignore", frozen=True)


UnixTime = Annotated[int, Field(ge=0, le=32_503_680_000)]
"""Seconds since 1970 up to the year 3000: beyond that it is no kickoff, and no datetime."""


def from_timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
