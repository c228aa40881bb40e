"""The day's schedules: the query that asks for them and what was done about each."""

from __future__ import annotations

import datetime as dt
import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field

from entrypoints.api.schemas.common import ApiModel

if TYPE_CHECKING:
    from bestshot_domain.services import ScheduleResult
    from bestshot_routes import Target


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    # pydantic's lax dates also take numbers ("0" is 1970-01-01): a query says a day one way.
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("must be a day written YYYY-MM-DD")
    return value


def _query_flag(value: object) -> object:
    # Lax booleans would also read "1", "yes", "on" ...: the document says true or false.
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value == "true"
    return value


class ScheduleQuery(ApiModel):
    date: Annotated[dt.date | None, BeforeValidator(_iso_day)] = Field(
        default=None, description="The day to schedule (YYYY-MM-DD); default: today, in UTC."
    )
    dry_run: Annotated[bool, BeforeValidator(_query_flag)] = Field(
        default=False, description="Only plan: create nothing."
    )


class ScheduleTargetOut(ApiModel):
    round_url: str
    standings_url: str
    target_env: str


class ScheduleOut(ApiModel):
    name: str
    expression: str = Field(description="`at(...)` or `cron(...)`, in UTC.")
    fire_at: datetime
    tournament: str
    round: str
    target: ScheduleTargetOut = Field(description="The input the caller receives when it fires.")
    status: Literal["created", "unchanged", "updated", "planned", "deleted"] = Field(
        description="Created now, already there as planned, updated to the plan, only "
        "planned (a dry run), or deleted: an earlier plan's schedule of the same tournament, "
        "round and day that this plan no longer has (a moved kickoff renames a schedule)."
    )


class SchedulesOut(ApiModel):
    day: dt.date
    dry_run: bool
    schedules: list[ScheduleOut]


def schedule_out(result: ScheduleResult, target: Target, expression: str) -> ScheduleOut:
    # Shaping, not copying: the status says what was done with the plan, and the target and
    # the expression are what the configured scheduler makes of it (entrypoints.schedule_view).
    schedule = result.schedule
    return ScheduleOut(
        name=schedule.name,
        expression=expression,
        fire_at=schedule.fire_at,
        tournament=schedule.tournament_id,
        round=schedule.round_slug,
        target=ScheduleTargetOut.model_validate(target),
        status="deleted"
        if result.deleted
        else "planned"
        if result.outcome is None
        else result.outcome.value,
    )
