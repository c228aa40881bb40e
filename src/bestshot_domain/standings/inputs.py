"""What the engine is given: the teams of a tournament and its matches, played or still to play."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple, Self

from bestshot_domain.standings.cards import Cards


class TeamEntry(NamedTuple):
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


class _MatchResult(NamedTuple):
    home: str
    away: str
    home_goals: int | None
    away_goals: int | None
    kickoff: datetime | None = None
    home_cards: Cards | None = None
    away_cards: Cards | None = None
    group: str | None = None


class MatchResult(_MatchResult):
    """One match as a table sees it.

    The goals are the score that counts for the table: after extra time when there was some,
    never with a penalty shoot-out. Both None: a remaining fixture, which does not count for the
    table but decides which zone statuses are still open. Cards are each side's discipline, for
    the fair-play criteria.
    """

    # A subclass, since a NamedTuple's own body cannot check its values in `__new__`.
    __slots__ = ()

    def __new__(  # noqa: PLR0917 - positional fields, as before
        cls,
        home: str,
        away: str,
        home_goals: int | None,
        away_goals: int | None,
        kickoff: datetime | None = None,
        home_cards: Cards | None = None,
        away_cards: Cards | None = None,
        group: str | None = None,
    ) -> "MatchResult":
        home_goals, away_goals = _goals(home_goals), _goals(away_goals)
        if (home_goals is None) != (away_goals is None):
            raise ValueError("a match has both scores or neither")
        return super().__new__(
            cls, home, away, home_goals, away_goals, kickoff, home_cards, away_cards, group
        )

    @classmethod
    def checked(  # noqa: PLR0917 - the fields, in order
        cls,
        home: str,
        away: str,
        home_goals: int | None,
        away_goals: int | None,
        kickoff: datetime | None = None,
        home_cards: Cards | None = None,
        away_cards: Cards | None = None,
        group: str | None = None,
    ) -> "MatchResult":
        """A result whose values a store's own checks already guarantee (goals whole and
        non-negative, both or neither): made without checking them again. A season's matches
        are read for every table update; anything else makes results with `MatchResult(...)`."""
        return tuple.__new__(
            cls, (home, away, home_goals, away_goals, kickoff, home_cards, away_cards, group)
        )

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]
        # `_replace` builds through `_make`: a changed value is checked as a new one is.
        return cls(*iterable)

    @property
    def played(self) -> bool:
        return self.home_goals is not None
