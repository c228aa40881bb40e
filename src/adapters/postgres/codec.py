"""Domain values to database rows and back."""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Fallback,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Round,
    RoundKind,
    Score,
    TableMatch,
    Team,
    Tournament,
    VerifyMode,
)


class Row(Protocol):
    """A row's columns by name: an `asyncpg.Record`, or a part of one (a joined table's)."""

    def __getitem__(self, name: str, /) -> Any: ...


def tournament_from_row(row: Row) -> Tournament:
    return Tournament(
        id=row["id"],
        label=row["label"],
        provider=row["provider"],
        reference=row["reference"],
        rules=row["rules"],
        timezone=row["timezone"],
        zones=row["zones"],
        season=row["season"],
        fallback=None
        if row["fallback_provider"] is None
        else Fallback(row["fallback_provider"], row["fallback_reference"]),
        verify=VerifyMode(row["verify"]),
    )


def team_from_row(row: asyncpg.Record) -> Team:
    return Team(
        provider=row["provider"],
        external_id=row["external_id"],
        name=row["name"],
        code=row["code"],
    )


def round_from_row(row: Row) -> Round:
    return Round(
        tournament_id=row["tournament_id"],
        slug=row["slug"],
        label=row["label"],
        order=row["ordinal"],
        kind=RoundKind(row["kind"]),
        reference=row["reference"],
    )


def _score(home: int | None, away: int | None) -> Score | None:
    return None if home is None or away is None else Score(home, away)


# Enum members by stored value: a dict lookup costs a tenth of `MatchStatus(value)`, which adds
# up over a season's matches read for every standings update. (An unknown value is a KeyError;
# the schema's checks keep them out.)
_STATUSES = {status.value: status for status in MatchStatus}
_ENDINGS = {ending.value: ending for ending in Ending}


def match_from_row(row: asyncpg.Record) -> Match:
    ended = row["ended"]
    state = MatchState(
        status=_STATUSES[row["status"]],
        kickoff=row["kickoff"],
        score=_score(row["home_score"], row["away_score"]),
        ended=None if ended is None else _ENDINGS[ended],
        shootout=_score(row["shootout_home"], row["shootout_away"]),
    )
    return Match(
        tournament_id=row["tournament_id"],
        round_slug=row["round_slug"],
        provider=row["provider"],
        external_id=row["external_id"],
        home=row["home"],
        away=row["away"],
        state=state,
        group=row["group_name"],
        last_observed=row["last_observed"],
        version=row["version"],
    )


def table_match_from_row(row: asyncpg.Record | tuple[Any, ...]) -> TableMatch:
    """A row of TABLE_MATCH_COLUMNS, in that order."""
    key, round_slug, home, away, status, kickoff, home_score, away_score, ended, *shootout = row
    return TableMatch(
        key,
        round_slug,
        home,
        away,
        _STATUSES[status],
        kickoff,
        _score(home_score, away_score),
        None if ended is None else _ENDINGS[ended],
        _score(*shootout),
    )


TABLE_MATCH_COLUMNS = (
    "key, round_slug, home, away, status, kickoff, home_score, away_score,"
    " ended, shootout_home, shootout_away"
)

STATE_FIELDS = (
    "status",
    "kickoff",
    "home_score",
    "away_score",
    "ended",
    "shootout_home",
    "shootout_away",
)


def state_columns(state: MatchState | None) -> tuple[object, ...]:
    """A state as the seven values of STATE_FIELDS (all None for no state)."""
    if state is None:
        return (None,) * len(STATE_FIELDS)
    score, shootout = state.score, state.shootout
    return (
        state.status.value,
        state.kickoff,
        None if score is None else score.home,
        None if score is None else score.away,
        None if state.ended is None else state.ended.value,
        None if shootout is None else shootout.home,
        None if shootout is None else shootout.away,
    )


def state_from_columns(row: Row, prefix: str) -> MatchState | None:
    status = row[f"{prefix}status"]
    if status is None:
        return None
    ended = row[f"{prefix}ended"]
    return MatchState(
        status=_STATUSES[status],
        kickoff=row[f"{prefix}kickoff"],
        score=_score(row[f"{prefix}home_score"], row[f"{prefix}away_score"]),
        ended=None if ended is None else _ENDINGS[ended],
        shootout=_score(row[f"{prefix}shootout_home"], row[f"{prefix}shootout_away"]),
    )


def change_from_row(row: asyncpg.Record) -> MatchChange:
    after = state_from_columns(row, "after_")
    if after is None:  # pragma: no cover - NOT NULL in the schema
        raise ValueError("a stored change without its after state")
    return MatchChange(
        match=row["match_key"],
        tournament_id=row["tournament_id"],
        round_slug=row["round_slug"],
        kind=ChangeKind(row["kind"]),
        before=state_from_columns(row, "before_"),
        after=after,
        reason=row["reason"],
        recorded_at=row["recorded_at"],
        source=row["source"],
    )
