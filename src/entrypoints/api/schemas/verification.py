"""Disputes, and a tournament's alias table, as the API shows and takes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from bestshot_domain.model import MatchStatus
from bestshot_domain.pairing import ALIAS_LENGTH_MAX, ALIASES_MAX
from bestshot_domain.verification import ClosedBy, DisputeKind
from entrypoints.api.schemas.common import NOT_BLANK, ApiModel
from entrypoints.api.schemas.matches import ScoreOut

DISPUTE_ID_PATTERN = r"^[0-9a-f]{16}$"
DISPUTE_ID_LENGTH = 16


class AnswerOut(ApiModel):
    provider: str = Field(description="Who said it; `stored`: the final written before.")
    status: MatchStatus
    score: ScoreOut | None
    shootout: ScoreOut | None


class DisputeOut(ApiModel):
    id: str
    match: str = Field(description="The match's key, e.g. `espn:704512`.")
    round: str = Field(validation_alias="round_slug")
    kind: DisputeKind = Field(
        description="`disagreement`: the provider and its fallback report different finals; "
        "`changed_final`: a provider changed a final that had settled."
    )
    answers: list[AnswerOut] = Field(description="What each side said when it opened.")
    open: bool = Field(validation_alias="is_open")
    opened_at: datetime
    closed_at: datetime | None
    closed_by: ClosedBy | None = Field(description="`converged` or `admin`; null while open.")
    reason: str | None = Field(description="Why it was closed.")


class DisputeList(ApiModel):
    tournament: str
    disputes: list[DisputeOut] = Field(description="Newest first.")


class DisputeCloseIn(ApiModel):
    model_config = ConfigDict(regex_engine="python-re")  # NOT_BLANK means what strip() means

    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=NOT_BLANK,
        description="Why, for the record: `the match report says 2-1` ...",
    )


# What else a name needs (a letter or digit, not reading as its own alias) is the domain's.
_Name = Annotated[str, StringConstraints(min_length=1, max_length=ALIAS_LENGTH_MAX)]


class AliasesIn(ApiModel):
    aliases: dict[_Name, _Name] = Field(
        max_length=ALIASES_MAX,
        description="The whole table: a team's name as a provider writes it -> the name the "
        "other provider gives it (compared normalized: case, accents, FC/CF and punctuation "
        "aside).",
        examples=[{"Man Utd": "Manchester United"}],
    )


class AliasesOut(ApiModel):
    tournament: str
    aliases: dict[str, str]
