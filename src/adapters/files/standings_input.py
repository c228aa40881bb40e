"""What a results file gives the standings engine."""

from typing import NamedTuple

from bestshot_domain.standings import KnockoutMatch, MatchResult, TeamEntry


class StandingsInput(NamedTuple):
    """A competition's teams (with their groups, if any), its table matches, played or not, and
    its knockout matches."""

    name: str
    teams: tuple[TeamEntry, ...]
    matches: tuple[MatchResult, ...]
    knockout: tuple[KnockoutMatch, ...] = ()
