"""The API's request and response bodies, as pydantic models (camelCase on the wire).

These are the edge's own types: routes translate domain values into them, and the OpenAPI
document is generated from them, so what is documented is what is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from bestshot_domain.model import (
    Match,
    MatchState,
    MatchStatus,
    Round,
    RoundKind,
    Score,
    StandingsSnapshot,
    Team,
    Tournament,
)

if TYPE_CHECKING:
    from bestshot_domain.standings import StandingsRow, Table

SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$"
"""Tournament ids and round slugs in paths: URL-unreserved characters, no leading dot (so no
`..`), no slash, no percent sign."""


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
    )


# Errors.


class FieldError(ApiModel):
    field: str = Field(description="Where: `body.provider`, `query.date`, `path.round` ...")
    message: str


class Problem(ApiModel):
    """An RFC 9457 problem; every error answer is one."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


# Operations.


class Health(ApiModel):
    status: Literal["ok"] = "ok"


class Ready(ApiModel):
    status: Literal["ready"] = "ready"


# Reads.


class ScoreOut(ApiModel):
    home: int = Field(ge=0)
    away: int = Field(ge=0)

    @classmethod
    def of(cls, score: Score | None) -> ScoreOut | None:
        return None if score is None else cls(home=score.home, away=score.away)


class TournamentOut(ApiModel):
    id: str
    label: str
    provider: str
    reference: str
    rules: str
    timezone: str
    zones: str

    @classmethod
    def of(cls, tournament: Tournament) -> TournamentOut:
        return cls(
            id=tournament.id,
            label=tournament.label,
            provider=tournament.provider,
            reference=tournament.reference,
            rules=tournament.rules,
            timezone=tournament.timezone,
            zones=tournament.zones,
        )


class TournamentList(ApiModel):
    tournaments: list[TournamentOut]


class RoundOut(ApiModel):
    slug: str
    label: str
    order: int
    kind: RoundKind

    @classmethod
    def of(cls, round_: Round) -> RoundOut:
        return cls(slug=round_.slug, label=round_.label, order=round_.order, kind=round_.kind)


class RoundList(ApiModel):
    tournament: str
    rounds: list[RoundOut]


class TeamOut(ApiModel):
    key: str = Field(description="The provider and its id for the team, e.g. `espn:359`.")
    name: str | None = Field(description="Null when the team is not stored (never expected).")
    code: str | None = None

    @classmethod
    def of(cls, key: str, team: Team | None) -> TeamOut:
        if team is None:
            return cls(key=key, name=None)
        return cls(key=key, name=team.name, code=team.code)


class MatchOut(ApiModel):
    key: str
    home: TeamOut
    away: TeamOut
    kickoff: datetime
    status: MatchStatus
    score: ScoreOut | None
    ended: str | None = Field(description="`regular`, `extra_time` or `penalties` when finished.")
    shootout: ScoreOut | None
    group: str | None
    last_observed: datetime | None
    version: int

    @classmethod
    def of(cls, match: Match, teams: dict[str, Team]) -> MatchOut:
        state: MatchState = match.state
        return cls(
            key=match.key,
            home=TeamOut.of(match.home, teams.get(match.home)),
            away=TeamOut.of(match.away, teams.get(match.away)),
            kickoff=state.kickoff,
            status=state.status,
            score=ScoreOut.of(state.score),
            ended=None if state.ended is None else state.ended.value,
            shootout=ScoreOut.of(state.shootout),
            group=match.group,
            last_observed=match.last_observed,
            version=match.version,
        )


class RoundMatches(ApiModel):
    tournament: str
    round: RoundOut
    matches: list[MatchOut]


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
    computed_at: datetime | None = Field(description="Null when never computed yet.")
    tables: list[TableOut]

    @classmethod
    def of(cls, tournament: Tournament, snapshot: StandingsSnapshot | None) -> StandingsOut:
        if snapshot is None:
            return cls(
                tournament=tournament.id, rules=tournament.rules, computed_at=None, tables=[]
            )
        return cls(
            tournament=snapshot.tournament_id,
            rules=snapshot.rules,
            computed_at=snapshot.computed_at,
            tables=[TableOut.of(table) for table in snapshot.tables],
        )
