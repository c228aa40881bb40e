"""A tournament's tables, as last computed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from bestshot_domain.model import StandingsSnapshot, Tournament
from entrypoints.api.schemas.common import ApiModel

if TYPE_CHECKING:
    from bestshot_domain.standings import StandingsRow, Table


class StandingsRowOut(ApiModel):
    position: int = Field(ge=1)
    team: str = Field(description="The team's key, e.g. `espn:359`.")
    name: str
    played: int = Field(ge=0)
    won: int = Field(ge=0)
    drawn: int = Field(ge=0)
    lost: int = Field(ge=0)
    goals_for: int = Field(ge=0)
    goals_against: int = Field(ge=0)
    goal_difference: int
    points: int
    form: str = Field(description="The last results, oldest first: `W`, `D`, `L`.")
    decided_by: str | None = Field(
        description="The criterion that put this row above the next one."
    )
    tied: bool = Field(description="The rules could not separate this row from a neighbour.")
    zone: str | None = Field(description="The zone this position is in now.")
    zones: dict[str, Literal["clinched", "eliminated", "open"]]

    @classmethod
    def of(cls, row: StandingsRow) -> StandingsRowOut:
        return cls(
            position=row.position,
            team=row.team,
            name=row.name,
            played=row.played,
            won=row.won,
            drawn=row.drawn,
            lost=row.lost,
            goals_for=row.goals_for,
            goals_against=row.goals_against,
            goal_difference=row.goal_difference,
            points=row.points,
            form=row.form,
            decided_by=row.decided_by,
            tied=row.tied,
            zone=row.zone,
            zones={name: status.value for name, status in row.zones.items()},
        )


class TableOut(ApiModel):
    group: str | None = Field(description="Null for a league's single table.")
    rows: list[StandingsRowOut]

    @classmethod
    def of(cls, table: Table) -> TableOut:
        return cls(group=table.group, rows=[StandingsRowOut.of(row) for row in table.rows])


class StandingsOut(ApiModel):
    tournament: str
    rules: str
    computed_at: datetime | None = Field(
        description="When the tables were last computed from changed inputs (a standings "
        "update that finds nothing changed keeps them as they are); null when never computed yet."
    )
    tables: list[TableOut]

    @classmethod
    def of_snapshot(cls, snapshot: StandingsSnapshot) -> StandingsOut:
        return cls(
            tournament=snapshot.tournament_id,
            rules=snapshot.rules,
            computed_at=snapshot.computed_at,
            tables=[TableOut.of(table) for table in snapshot.tables],
        )

    @classmethod
    def of(cls, tournament: Tournament, snapshot: StandingsSnapshot | None) -> StandingsOut:
        """The stored tables, or none yet (`computedAt` null) before the first computation."""
        if snapshot is not None:
            return cls.of_snapshot(snapshot)
        return cls(tournament=tournament.id, rules=tournament.rules, computed_at=None, tables=[])
