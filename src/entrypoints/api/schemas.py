"""The API's request and response bodies, as pydantic models (camelCase on the wire).

These are the edge's own types: routes translate domain values into them, and the OpenAPI
document is generated from them, so what is documented is what is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from bestshot_domain import text
from bestshot_domain.model import (
    Match,
    MatchState,
    MatchStatus,
    PointAdjustment,
    Round,
    RoundKind,
    Score,
    StandingsSnapshot,
    Team,
    Tournament,
)
from bestshot_domain.standings import PRESETS
from bestshot_routes import Target

if TYPE_CHECKING:
    from bestshot_domain.importing import Counts, ImportSummary
    from bestshot_domain.round_update import RoundUpdate
    from bestshot_domain.services import AdjustedStandings, ScheduleResult
    from bestshot_domain.standings import StandingsRow, Table

SLUG_PATTERN = text.SLUG_PATTERN.pattern
"""Tournament ids and round slugs in paths: the domain's slugs (lowercase words of letters and
digits joined by `-`, `_` or `.`), the only ones ever stored; so no `..`, slash or percent sign."""
SLUG_MAX_LENGTH = 128

TEAM_KEY_PATTERN = r"^[a-z0-9_]+:[A-Za-z0-9._~-]+$"
"""A team's key in paths, as the tables show it: the provider, a colon, the provider's id."""
TEAM_KEY_MAX_LENGTH = 200


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
    """A tournament as anyone may read it: not its provider reference, which may be a server
    path or a URL with credentials, and is the admins' business."""

    id: str
    label: str
    provider: str
    rules: str
    timezone: str
    zones: str

    @classmethod
    def of(cls, tournament: Tournament) -> TournamentOut:
        return cls(
            id=tournament.id,
            label=tournament.label,
            provider=tournament.provider,
            rules=tournament.rules,
            timezone=tournament.timezone,
            zones=tournament.zones,
        )


class AdminTournamentOut(TournamentOut):
    """A tournament as an admin sees it, in the answers of admin operations."""

    reference: str = Field(description="The provider's own id of the tournament, as imported.")

    @classmethod
    def of(cls, tournament: Tournament) -> AdminTournamentOut:
        public = TournamentOut.of(tournament).model_dump()
        return cls(**public, reference=tournament.reference)


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


# The data provider: schedules, round updates, standings updates, imports.


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

    @classmethod
    def of(cls, result: ScheduleResult, target: Target, expression: str) -> ScheduleOut:
        schedule = result.schedule
        return cls(
            name=schedule.name,
            expression=expression,
            fire_at=schedule.fire_at,
            tournament=schedule.tournament_id,
            round=schedule.round_slug,
            target=ScheduleTargetOut(
                round_url=target.round_url,
                standings_url=target.standings_url,
                target_env=target.target_env,
            ),
            status="deleted"
            if result.deleted
            else "planned"
            if result.outcome is None
            else result.outcome.value,
        )


class SchedulesOut(ApiModel):
    day: dt.date
    dry_run: bool
    schedules: list[ScheduleOut]


class RejectedOut(ApiModel):
    match: str
    reason: str


class RoundUpdateOut(ApiModel):
    tournament: str
    round: str
    observed_at: datetime
    updated: list[str] = Field(description="Matches a normal step changed (keys).")
    corrections: list[str] = Field(description="Finished matches whose score was corrected.")
    unchanged: list[str]
    stale: list[str] = Field(description="Observations older than what is stored: ignored.")
    rejected: list[RejectedOut] = Field(description="Observations refused as invalid, and why.")
    missing: list[str] = Field(description="Matches of the round the provider said nothing of.")
    unknown: list[str] = Field(description="Provider ids that are no match of this round.")
    awaiting: list[str] = Field(description="Matches still awaiting a result.")
    overdue: list[str] = Field(
        description="Of those, the ones under way or past their kickoff: worth another look soon."
    )
    written: int = Field(ge=0, description="Matches written.")
    changes: int = Field(ge=0, description="Change records written.")
    discipline: int = Field(
        ge=0, description="Match sides whose cards (for fair play) were written."
    )

    @classmethod
    def of(cls, update: RoundUpdate) -> RoundUpdateOut:
        return cls(
            tournament=update.tournament_id,
            round=update.round_slug,
            observed_at=update.observed_at,
            updated=list(update.updated),
            corrections=list(update.corrections),
            unchanged=list(update.unchanged),
            stale=list(update.stale),
            rejected=[RejectedOut(match=o.match, reason=o.reason) for o in update.rejected],
            missing=list(update.missing),
            unknown=list(update.unknown),
            awaiting=list(update.awaiting),
            overdue=list(update.overdue),
            written=len(update.saved),
            changes=len(update.changes),
            discipline=len(update.discipline),
        )


_PRESET_NAMES = list[JsonValue](sorted(PRESETS))


class TournamentImportIn(ApiModel):
    provider: str = Field(
        min_length=1,
        max_length=64,
        description="A configured provider: `espn`, `football_data`, `sofascore`, `fbref`, "
        "`openfootball`, `demo`.",
    )
    reference: str = Field(
        min_length=1,
        max_length=512,
        description="The provider's own id of the tournament. fbref: a schedule page's path "
        "(or URL on FBref's host). openfootball: an https URL on an allowed host "
        "(BESTSHOT_OPENFOOTBALL_HOSTS), or a file name inside BESTSHOT_FILES_DIR (file "
        "references are refused when it is unset).",
    )
    label: str = Field(min_length=1, max_length=200, description="Its id is made from this.")
    rules: str = Field(
        min_length=1,
        max_length=64,
        description="The standings preset: the competition's tie-break rules.",
        json_schema_extra={"enum": _PRESET_NAMES},
    )
    timezone: str = Field(
        default="UTC", min_length=1, max_length=64, description="IANA name, e.g. `Europe/London`."
    )
    zones: str = Field(
        default="",
        max_length=1000,
        description="Zones of the table, e.g. `1:champion,18-20:relegation`.",
    )


class CountsOut(ApiModel):
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    unchanged: int = Field(ge=0)

    @classmethod
    def of(cls, counts: Counts) -> CountsOut:
        return cls(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


class ImportOut(ApiModel):
    tournament: AdminTournamentOut
    changed: bool = Field(description="False when importing again found nothing new.")
    tournament_created: bool
    tournament_updated: bool
    teams: CountsOut
    members_changed: bool
    rounds: CountsOut
    matches: CountsOut
    rejected: list[RejectedOut] = Field(description="Source matches that could not be stored.")
    absent: list[str] = Field(description="Stored matches the source no longer lists (kept).")
    changes: int = Field(ge=0, description="Change records written.")
    discipline: int = Field(
        ge=0, description="Match sides whose cards (for fair play) were written."
    )

    @classmethod
    def of(cls, summary: ImportSummary) -> ImportOut:
        return cls(
            tournament=AdminTournamentOut.of(summary.tournament),
            changed=summary.changed,
            tournament_created=summary.tournament_created,
            tournament_updated=summary.tournament_updated,
            teams=CountsOut.of(summary.teams),
            members_changed=summary.members_changed,
            rounds=CountsOut.of(summary.rounds),
            matches=CountsOut.of(summary.matches),
            rejected=[RejectedOut(match=r.external_id, reason=r.reason) for r in summary.rejected],
            absent=list(summary.absent),
            changes=summary.changes,
            discipline=summary.discipline,
        )


# Point adjustments.


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
