"""Point adjustments: a team's points added or deducted, and the tables they change."""

from __future__ import annotations

from pydantic import AliasPath, Field

from entrypoints.api.schemas.common import ApiModel
from entrypoints.api.schemas.standings import StandingsOut


class AdjustmentIn(ApiModel):
    points: int = Field(
        strict=True,
        ge=-1000,
        le=1000,
        description="Points added to the team's total; negative for a deduction, never 0.",
        examples=[-10],
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
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
