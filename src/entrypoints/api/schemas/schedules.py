"""The day's schedules: the query that asks for them and what was done about each."""

from __future__ import annotations

import datetime as dt
import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from bestshot_domain.days import FIRST_DAY, LAST_DAY
from entrypoints.api.schemas.common import ApiModel, number_range_pattern

if TYPE_CHECKING:
    from bestshot_domain.services import ScheduleResult
    from bestshot_routes import Target


# The days a query may name: the domain's range (`bestshot_domain.days`), in whole years so
# that the document's pattern can say it.
if (FIRST_DAY.month, FIRST_DAY.day, LAST_DAY.month, LAST_DAY.day) != (1, 1, 12, 31):
    raise ValueError("the pattern of ?date= states whole years only")

DAY_PATTERN = (
    f"^(?:{number_range_pattern(FIRST_DAY.year, LAST_DAY.year, 4)})-[0-9]{{2}}-[0-9]{{2}}$"
)
"""A day as a query writes it (YYYY-MM-DD) within FIRST_DAY .. LAST_DAY: the check and the
document's `pattern`."""
_ISO_DAY = re.compile(DAY_PATTERN)


def _iso_day(value: object) -> object:
    # pydantic's lax dates also take numbers ("0" is 1970-01-01): a query says a day one way.
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError(
            f"must be a day written YYYY-MM-DD, from {FIRST_DAY.isoformat()} "
            f"to {LAST_DAY.isoformat()}"
        )
    return value


_DAY_SCHEMA = {"type": "string", "format": "date", "pattern": DAY_PATTERN}


def _query_flag(value: object) -> object:
    # Lax booleans would also read "1", "yes", "on" ...: the document says true or false.
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value == "true"
    return value


class ScheduleQuery(ApiModel):
    date: Annotated[dt.date, BeforeValidator(_iso_day), WithJsonSchema(_DAY_SCHEMA)] | None = Field(
        default=None,
        description=f"The day to schedule (YYYY-MM-DD, from {FIRST_DAY.isoformat()} to "
        f"{LAST_DAY.isoformat()}); default: today, in UTC.",
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


class PlanOut(ApiModel):
    """A plan of a day that did not finish within the request's budget, and what became of it."""

    id: str = Field(description="The plan's id, as in `statusUrl`.")
    day: dt.date
    status: Literal["pending", "done", "failed", "interrupted"] = Field(
        description="Still under way, done (`schedules` says what was done), failed, or "
        "interrupted by a shutdown or a server process that died (`error` says why; planning "
        "the day again picks up where it stopped)."
    )
    status_url: str = Field(description="Where to ask again (this document's GET).")
    planned_tournaments: list[str] = Field(
        description="Tournaments each of whose schedules of the day exists as planned."
    )
    pending_tournaments: list[str] = Field(
        description="Tournaments with schedules of the day not made yet (or not made: failed)."
    )
    schedules: list[ScheduleOut] | None = Field(
        default=None, description="Once done: each schedule, as the 200 answer lists them."
    )
    error: str | None = Field(default=None, description="Once failed: why.")
