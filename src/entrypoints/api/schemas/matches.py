"""A round's matches as anyone reads them, and what a round update did."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import Field

from bestshot_domain.model import Match, MatchState, MatchStatus, Score, Team
from entrypoints.api.schemas.common import ApiModel, RejectedOut
from entrypoints.api.schemas.tournaments import RoundOut

if TYPE_CHECKING:
    from bestshot_domain.round_update import RoundUpdate


class ScoreOut(ApiModel):
    home: int = Field(ge=0)
    away: int = Field(ge=0)

    @classmethod
    def of(cls, score: Score | None) -> ScoreOut | None:
        return None if score is None else cls(home=score.home, away=score.away)


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
