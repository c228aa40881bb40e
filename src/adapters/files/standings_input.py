"""What a results file gives the standings engine."""

from __future__ import annotations

from attrs import frozen

from bestshot_domain.standings import MatchResult, TeamEntry


@frozen
class StandingsInput:
    """A competition's teams (with their groups, if any) and its matches, played or not."""

    name: str
    teams: tuple[TeamEntry, ...]
    matches: tuple[MatchResult, ...]
