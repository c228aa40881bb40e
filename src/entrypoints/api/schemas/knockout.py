"""A tournament's knockout rounds and each team's progress, as last computed with its tables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from pydantic import Field

from bestshot_domain.model import StandingsSnapshot, Team, TeamKey, Tournament
from bestshot_domain.standings import KnockoutRound, Tie
from entrypoints.api.schemas.common import ApiModel


class TieOut(ApiModel):
    teams: list[str] = Field(
        min_length=2,
        max_length=2,
        description="The two teams' keys, the first leg's home side first.",
    )
    legs: int = Field(ge=1, description="One match, or two legs.")
    aggregate: list[int] | None = Field(
        description="The goals of each team over the legs (after extra time, shoot-outs apart); "
        "null while the tie is open."
    )
    winner: str | None = Field(description="The team that went through; null until decided.")
    decided_by: Literal["score", "aggregate", "away_goals", "extra_time", "penalties"] | None = (
        Field(description="How the tie was decided.")
    )
    status: Literal["open", "decided", "undecided"] = Field(
        description="`open` while a leg is still to be played (a second leg not yet played); "
        "`decided` with a winner; `undecided` when every leg is played and the stored results "
        "do not say who went through (a shoot-out not reported)."
    )


class KnockoutRoundOut(ApiModel):
    round: str = Field(description="The round's label, e.g. `Round of 16`.")
    ties: list[TieOut]


class KnockoutOut(ApiModel):
    tournament: str
    rules: str
    computed_at: datetime | None = Field(
        description="When the bracket was computed with the tables (by the standings update); "
        "null before the first computation."
    )
    knockout: list[KnockoutRoundOut] = Field(
        description="The knockout rounds in the order they were first played (the shape of "
        "`bestshot table --json`); empty for a tournament without knockout rounds."
    )
    progress: dict[str, str] = Field(
        description="Each team's furthest round (its label), `champion` once the final is "
        "decided, or `group` for a member that played no knockout match."
    )
    names: dict[str, str] = Field(description="The name of each team the bracket names.")


def _tie_out(tie: Tie) -> TieOut:
    status: Literal["open", "decided", "undecided"] = (
        "open" if tie.aggregate is None else "undecided" if tie.winner is None else "decided"
    )
    return TieOut(
        teams=list(tie.teams),
        legs=tie.legs,
        aggregate=None if tie.aggregate is None else list(tie.aggregate),
        winner=tie.winner,
        decided_by=tie.decided_by,  # type: ignore[arg-type]  # the engine's own words
        status=status,
    )


def _round_out(stage: KnockoutRound) -> KnockoutRoundOut:
    return KnockoutRoundOut(round=stage.name, ties=[_tie_out(tie) for tie in stage.ties])


def bracket_keys(snapshot: StandingsSnapshot | None) -> list[TeamKey]:
    """Every team the stored bracket names, for their names."""
    if snapshot is None:
        return []
    keys = set(snapshot.progress)
    keys.update(team for stage in snapshot.knockout for tie in stage.ties for team in tie.teams)
    return sorted(keys)


def knockout_out(
    tournament: Tournament, snapshot: StandingsSnapshot | None, teams: Mapping[TeamKey, Team]
) -> KnockoutOut:
    """The stored bracket, or none yet (`computedAt` null) before the first computation."""
    if snapshot is None:
        return KnockoutOut(
            tournament=tournament.id,
            rules=tournament.rules,
            computed_at=None,
            knockout=[],
            progress={},
            names={},
        )
    return KnockoutOut(
        tournament=tournament.id,
        rules=snapshot.rules,
        computed_at=snapshot.computed_at,
        knockout=[_round_out(stage) for stage in snapshot.knockout],
        progress=dict(snapshot.progress),
        names={key: teams[key].name if key in teams else key for key in bracket_keys(snapshot)},
    )
