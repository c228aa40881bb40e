"""Admins' overrides and a match's history: what an admin sends, what anyone reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AliasPath, BeforeValidator, ConfigDict, Field

from bestshot_domain.model import ChangeKind, Ending, Match, MatchStatus, RecordedChange, Score
from entrypoints.api.schemas.common import ID_MAX, NOT_BLANK, ApiModel
from entrypoints.api.schemas.matches import MatchOut, MatchStateOut

HISTORY_MAX = 200


def _whole(value: object) -> object:
    # JSON Schema's integer, as the document says: `2.0` is one, `true` and `"2"` are not.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


Goals = Annotated[int, BeforeValidator(_whole)]


class ScoreIn(ApiModel):
    home: Goals = Field(ge=0, le=999)
    away: Goals = Field(ge=0, le=999)

    def score(self) -> Score:
        return Score(self.home, self.away)


class OverrideIn(ApiModel):
    model_config = ConfigDict(regex_engine="python-re")  # NOT_BLANK means what strip() means

    status: MatchStatus
    score: ScoreIn | None = Field(
        default=None,
        description="The score for the table (after extra time when there was one); required "
        "for a finished or awarded match, refused for a scheduled, postponed or cancelled one.",
    )
    ended: Ending | None = Field(
        default=None,
        description="How a finished match ended (default `regular`, or `penalties` with a "
        "shoot-out).",
    )
    shootout: ScoreIn | None = Field(
        default=None, description="The shoot-out, for a finished match level after extra time."
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=NOT_BLANK,
        description="Why, for the record: `the provider's final is wrong (official report)`.",
    )


class OverriddenOut(ApiModel):
    tournament: str = Field(validation_alias=AliasPath("match", "tournament_id"))
    round: str = Field(validation_alias=AliasPath("match", "round_slug"))
    changed: bool = Field(
        description="Whether anything was written (false: the same request was already done)."
    )
    match: MatchOut = Field(description="The match as it stands now, with its override if any.")


class HistoryQuery(ApiModel):
    before: int | None = Field(
        None,
        ge=1,
        le=ID_MAX,
        description="Only changes older than this id (`nextBefore` of a page).",
    )
    limit: int = Field(
        50, ge=1, le=HISTORY_MAX, description=f"At most this many (1-{HISTORY_MAX})."
    )


class ChangeOut(ApiModel):
    id: int = Field(description="Grows with the order changes were recorded.")
    kind: ChangeKind = Field(
        description="`created` (import), `updated`, `correction` (a provider's word applied), "
        "`override` (set by an admin), `observation` (a provider's word while an override "
        "stood, not applied), `release` (an override released)."
    )
    source: str = Field(description="Who said so: the provider's name, or the admin's subject.")
    reason: str
    at: datetime = Field(description="When it was recorded.")
    before: MatchStateOut | None = Field(description="Null for a match first seen.")
    after: MatchStateOut = Field(
        description="The match's state after; for an `observation`, what the provider said."
    )


class MatchHistory(ApiModel):
    tournament: str
    round: str
    match: str
    changes: list[ChangeOut] = Field(description="Newest first.")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null when this is the last."
    )


def change_out(match: Match, recorded: RecordedChange) -> ChangeOut:
    change = recorded.change
    return ChangeOut(
        id=recorded.id,
        kind=change.kind,
        # "" is the tournament's own provider: every change recorded before sources were kept.
        source=change.source or match.provider,
        reason=change.reason,
        at=change.recorded_at,
        before=None if change.before is None else MatchStateOut.model_validate(change.before),
        after=MatchStateOut.model_validate(change.after),
    )
