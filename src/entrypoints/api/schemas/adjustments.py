"""Point adjustments: a team's points added or deducted, and the tables they change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from bestshot_domain.model import PointAdjustment
from entrypoints.api.schemas.common import ApiModel
from entrypoints.api.schemas.standings import StandingsOut

if TYPE_CHECKING:
    from bestshot_domain.services import AdjustedStandings


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

    @classmethod
    def of(cls, adjustment: PointAdjustment) -> AdjustmentOut:
        return cls(team=adjustment.team, points=adjustment.points, reason=adjustment.reason)


class AdjustedStandingsOut(ApiModel):
    tournament: str
    adjustments: list[AdjustmentOut] = Field(
        description="Every point adjustment of the tournament, after this change."
    )
    standings: StandingsOut = Field(description="The tables, recomputed and stored.")

    @classmethod
    def of(cls, result: AdjustedStandings) -> AdjustedStandingsOut:
        return cls(
            tournament=result.standings.tournament_id,
            adjustments=[AdjustmentOut.of(adjustment) for adjustment in result.adjustments],
            standings=StandingsOut.of_snapshot(result.standings),
        )
