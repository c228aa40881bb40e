"""Point adjustments: a team's points added or deducted, and the tables they change."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AliasPath, BeforeValidator, ConfigDict, Field

from entrypoints.api.schemas.common import NOT_BLANK, ApiModel
from entrypoints.api.schemas.standings import StandingsOut


def _json_integer(value: object) -> object:
    # JSON Schema's integer is a number with no fraction, `-10.0` included; pydantic's strict
    # int would refuse that, its lax int would take `true` and `"-10"`: neither is the document.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


def _not_zero(points: int) -> int:
    if points == 0:
        raise ValueError("must not be 0: remove the adjustment instead")
    return points


# The check and the document's `not` say the same, next to each other; the domain refuses 0 too.
NotZero = Annotated[
    int,
    BeforeValidator(_json_integer),
    AfterValidator(_not_zero),
    Field(json_schema_extra={"not": {"const": 0}}),
]


class AdjustmentIn(ApiModel):
    model_config = ConfigDict(regex_engine="python-re")  # NOT_BLANK means what strip() means

    points: NotZero = Field(
        ge=-1000,
        le=1000,
        description="Points added to the team's total; negative for a deduction, never 0.",
        examples=[-10],
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=NOT_BLANK,
        description="Why, for the record: `administration`, `financial rules breach` ...",
    )


class AdjustmentOut(ApiModel):
    team: str = Field(description="The team's key, as in the tables.")
    points: int
    reason: str


class AdjustedStandingsOut(ApiModel):
    tournament: str = Field(validation_alias=AliasPath("standings", "tournament_id"))
    adjustments: list[AdjustmentOut] = Field(
        description="Every point adjustment of the tournament, after this change."
    )
    standings: StandingsOut = Field(description="The tables, recomputed and stored.")
