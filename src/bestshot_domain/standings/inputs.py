"""What the engine is given: the teams of a tournament and its matches, played or still to play."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from bestshot_domain.standings.cards import Cards


@frozen
class TeamEntry:
    """A team in a table. `id` is what matches refer to; rules that run out order by `name`."""

    id: str
    name: str
    group: str | None = None


def _goals(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"goals are a non-negative integer or None, got {value!r}")
    return value


@frozen
class MatchResult:
    """One match as a table sees it.

    The goals are the score that counts for the table: after extra time when there was some,
    never with a penalty shoot-out. Both None: a remaining fixture, which does not count for the
    table but decides which zone statuses are still open. Cards are each side's discipline, for
    the fair-play criteria.
    """

    home: str
    away: str
    home_goals: int | None = field(converter=_goals)
    away_goals: int | None = field(converter=_goals)
    kickoff: datetime | None = None
    home_cards: Cards | None = None
    away_cards: Cards | None = None
    group: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.home_goals is None) != (self.away_goals is None):
            raise ValueError("a match has both scores or neither")

    @property
    def played(self) -> bool:
        return self.home_goals is not None
