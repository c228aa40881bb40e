"""A round's matches as anyone reads them, and what a round update did."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, Field

from bestshot_domain.model import Match, MatchStatus, Override, Score, Team
from entrypoints.api.schemas.common import ApiModel, RejectedOut
from entrypoints.api.schemas.tournaments import RoundOut


class ScoreOut(ApiModel):
    home: int = Field(ge=0)
    away: int = Field(ge=0)


class MatchStateOut(ApiModel):
    status: MatchStatus
    kickoff: datetime
    score: ScoreOut | None
    ended: str | None = Field(description="`regular`, `extra_time` or `penalties` when finished.")
    shootout: ScoreOut | None


class OverrideOut(ApiModel):
    reason: str
    by: str = Field(description="The admin's subject (the JWT's `sub`).")
    at: datetime = Field(description="When the override was set.")
    state: MatchStateOut = Field(description="The state set by hand (the match's, meanwhile).")
    provider_says: MatchStateOut | None = Field(
        description="What the provider last said of the match while the override stood "
        "(null: nothing yet). Never applied."
    )
    provider_at: datetime | None = Field(description="When the provider said so.")


class TeamOut(ApiModel):
    key: str = Field(description="The provider and its id for the team, e.g. `espn:359`.")
    name: str | None = Field(description="Null when the team is not stored (never expected).")
    code: str | None = None


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
    override: OverrideOut | None = Field(
        default=None,
        description="The admin's override while one stands: providers never change the match "
        "meanwhile (README, Overrides).",
    )


def match_out(
    match: Match, teams: Mapping[str, Team], override: Override | None = None
) -> MatchOut:
    # Shaping, not copying: a match knows its teams by key only, so their names come from the
    # teams read beside it (a team not stored keeps its key, with a null name); and the
    # match's state is flattened into the match.
    state = match.state
    return MatchOut(
        key=match.key,
        home=_team_out(match.home, teams.get(match.home)),
        away=_team_out(match.away, teams.get(match.away)),
        kickoff=state.kickoff,
        status=state.status,
        score=_score_out(state.score),
        ended=state.ended,
        shootout=_score_out(state.shootout),
        group=match.group,
        last_observed=match.last_observed,
        version=match.version,
        override=None if override is None else OverrideOut.model_validate(override),
    )


def _team_out(key: str, team: Team | None) -> TeamOut:
    return TeamOut(key=key, name=None) if team is None else TeamOut.model_validate(team)


def _score_out(score: Score | None) -> ScoreOut | None:
    return None if score is None else ScoreOut.model_validate(score)


class RoundMatches(ApiModel):
    tournament: str
    round: RoundOut
    matches: list[MatchOut]


def _count(value: object) -> object:
    # The domain hands over what was written; the answer says how many.
    return len(value) if isinstance(value, tuple | list) else value


Count = Annotated[int, BeforeValidator(_count)]


class RoundUpdateOut(ApiModel):
    tournament: str = Field(validation_alias="tournament_id")
    round: str = Field(validation_alias="round_slug")
    observed_at: datetime
    updated: list[str] = Field(description="Matches a normal step changed (keys).")
    corrections: list[str] = Field(description="Finished matches whose score was corrected.")
    unchanged: list[str]
    stale: list[str] = Field(description="Observations older than what is stored: ignored.")
    overridden: list[str] = Field(
        description="Matches an admin's override holds: the provider's word is recorded, not "
        "applied."
    )
    rejected: list[RejectedOut] = Field(description="Observations refused as invalid, and why.")
    missing: list[str] = Field(description="Matches of the round the provider said nothing of.")
    unknown: list[str] = Field(description="Provider ids that are no match of this round.")
    awaiting: list[str] = Field(description="Matches still awaiting a result.")
    overdue: list[str] = Field(
        description="Of those, the ones under way or past their kickoff: worth another look soon."
    )
    written: Count = Field(ge=0, validation_alias="saved", description="Matches written.")
    changes: Count = Field(ge=0, description="Change records written.")
    discipline: Count = Field(
        ge=0, description="Match sides whose cards (for fair play) were written."
    )
    follow_up: str | None = Field(
        default=None,
        description="The follow-up check ensured for the round while matches are overdue: a "
        "one-off schedule's name (the same for the same overdue matches, however often this "
        "is asked); null when nothing is overdue or the follow-ups are spent.",
    )
    answered: list[str] = Field(
        default=[],
        description="With a fallback or a verify mode: the providers that answered (the "
        "tournament's own, its fallback, or both).",
    )
    unpaired: list[str] = Field(
        default=[],
        description="Matches of the round no single match of the fallback pairs with (by "
        "teams and kickoff): nothing of the fallback applies to them.",
    )
    held: list[str] = Field(
        default=[],
        description="Matches whose reported final was not written: waiting for the settle "
        "window, for the two providers to agree, or disputed.",
    )
    disputes_opened: list[str] = Field(default=[], description="Ids of disputes opened.")
    disputes_closed: list[str] = Field(
        default=[], description="Ids of disputes closed because the providers converged."
    )
