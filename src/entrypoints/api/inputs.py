"""Reading a request's path, query and body into pydantic models, or answering a problem.

Validation errors name the field (`body.provider`, `query.date`, `path.round`) and never repeat
the value that was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.requests import Request

from bestshot_domain import days, text
from entrypoints.api.problems import ApiProblem
from entrypoints.api.schemas.common import (
    SLUG_MAX_LENGTH,
    TEAM_KEY_MAX_LENGTH,
    TEAM_KEY_PATTERN,
)
from entrypoints.api.schemas.problems import FieldError

# Whole-string matches only: `re.match` with `$` would let a trailing newline through.
_TEAM_KEY = re.compile(TEAM_KEY_PATTERN)

M = TypeVar("M", bound=BaseModel)


def _field_errors(where: str, errors: Iterable[ErrorDetails]) -> list[FieldError]:
    return [
        FieldError(
            field=".".join([where, *(str(part) for part in error["loc"])]), message=error["msg"]
        )
        for error in errors
    ]


def invalid(errors: list[FieldError]) -> ApiProblem:
    fields = ", ".join(dict.fromkeys(error.field for error in errors))
    return ApiProblem(
        422, f"invalid {fields}", kind="validation", title="Invalid request", errors=errors
    )


def slug(request: Request, name: str) -> str:
    """A tournament id or round slug from the path, as the domain makes them, or a 422."""
    value: str = request.path_params[name]
    if len(value) > SLUG_MAX_LENGTH or not text.is_slug(value):
        raise invalid(
            [
                FieldError(
                    field=f"path.{name}",
                    message="must be lowercase letters and digits, in words joined by `-`, "
                    f"`_` or `.`, at most {SLUG_MAX_LENGTH} characters",
                )
            ]
        )
    return value


def team_key(request: Request, name: str) -> str:
    """A team's key from the path (`espn:359`, as the tables show it), or a 422."""
    value: str = request.path_params[name]
    if len(value) > TEAM_KEY_MAX_LENGTH or not _TEAM_KEY.fullmatch(value):
        raise invalid(
            [
                FieldError(
                    field=f"path.{name}",
                    message="must be a team's key as the tables show it: the provider, a "
                    f"colon and the provider's id (`espn:359`), at most {TEAM_KEY_MAX_LENGTH} "
                    "characters",
                )
            ]
        )
    return value


def match_key(request: Request, name: str) -> str:
    """A match's key from the path (`espn:704512`, as the round's matches show it), or a 422."""
    value: str = request.path_params[name]
    if len(value) > TEAM_KEY_MAX_LENGTH or not _TEAM_KEY.fullmatch(value):
        raise invalid(
            [
                FieldError(
                    field=f"path.{name}",
                    message="must be a match's key as the round's matches show it: the "
                    f"provider, a colon and the provider's id (`espn:704512`), at most "
                    f"{TEAM_KEY_MAX_LENGTH} characters",
                )
            ]
        )
    return value


def day(value: date | None, field: str) -> date | None:
    """A day from the request within the accepted range (`bestshot_domain.days`), or a 422."""
    if value is None:
        return None
    try:
        return days.check_day(value)
    except days.DayOutOfRange:
        raise invalid([FieldError(field=field, message=f"must be a day {days.RANGE}")]) from None


def query(request: Request, model: type[M]) -> M:
    params = request.query_params
    unknown = set(params.keys()) - {
        field.alias or name for name, field in model.model_fields.items()
    }
    errors = [
        FieldError(field=f"query.{key}", message="unknown parameter") for key in sorted(unknown)
    ]
    if errors:
        raise invalid(errors)
    try:
        return model.model_validate(dict(params.items()))
    except ValidationError as error:
        raise invalid(_field_errors("query", error.errors(include_input=False))) from None


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "")
    if not _is_json(content_type):
        raise ApiProblem(
            415,
            "the request body must be JSON (Content-Type: application/json)",
            kind="unsupported-media-type",
        )
    raw = await request.body()
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        details = error.errors(include_input=False)
        if any(detail["type"] == "json_invalid" for detail in details):
            raise ApiProblem(
                400, "the request body is not valid JSON", kind="malformed-json"
            ) from None
        raise invalid(_field_errors("body", details)) from None
