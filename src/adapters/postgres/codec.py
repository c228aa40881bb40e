"""Domain values to database rows and back."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg

from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Round,
    RoundKind,
    Score,
    Team,
    Tournament,
)


def tournament_from_row(row: asyncpg.Record) -> Tournament:
    return Tournament(
        id=row["id"],
        label=row["label"],
        provider=row["provider"],
        reference=row["reference"],
        rules=row["rules"],
        timezone=row["timezone"],
        zones=row["zones"],
    )


def team_from_row(row: asyncpg.Record) -> Team:
    return Team(
        provider=row["provider"],
        external_id=row["external_id"],
        name=row["name"],
        code=row["code"],
    )


def round_from_row(row: asyncpg.Record) -> Round:
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


def match_from_row(row: asyncpg.Record) -> Match:
    ended = row["ended"]
    return Match(
        tournament_id=row["tournament_id"],
        round_slug=row["round_slug"],
        provider=row["provider"],
        external_id=row["external_id"],
        home=row["home"],
        away=row["away"],
        state=MatchState(
            status=MatchStatus(row["status"]),
            kickoff=row["kickoff"],
            score=_score(row["home_score"], row["away_score"]),
            ended=None if ended is None else Ending(ended),
            shootout=_score(row["shootout_home"], row["shootout_away"]),
        ),
        group=row["group_name"],
        last_observed=row["last_observed"],
        version=row["version"],
    )


def state_to_json(state: MatchState | None) -> str | None:
    if state is None:
        return None
    value: dict[str, Any] = {
        "status": state.status.value,
        "kickoff": state.kickoff.isoformat(),
        "score": None if state.score is None else [state.score.home, state.score.away],
        "ended": None if state.ended is None else state.ended.value,
        "shootout": None if state.shootout is None else [state.shootout.home, state.shootout.away],
    }
    return json.dumps(value, separators=(",", ":"))


def state_from_json(text: str | None) -> MatchState | None:
    if text is None:
        return None
    value = json.loads(text)
    score, shootout, ended = value.get("score"), value.get("shootout"), value.get("ended")
    return MatchState(
        status=MatchStatus(value["status"]),
        kickoff=datetime.fromisoformat(value["kickoff"]),
        score=None if score is None else Score(*score),
        ended=None if ended is None else Ending(ended),
        shootout=None if shootout is None else Score(*shootout),
    )


def change_from_row(row: asyncpg.Record) -> MatchChange:
    after = state_from_json(row["after"])
    if after is None:  # pragma: no cover - NOT NULL in the schema
        raise ValueError("a stored change without its after state")
    return MatchChange(
        match=row["match_key"],
        tournament_id=row["tournament_id"],
        round_slug=row["round_slug"],
        kind=ChangeKind(row["kind"]),
        before=state_from_json(row["before"]),
        after=after,
        reason=row["reason"],
        recorded_at=row["recorded_at"],
    )
