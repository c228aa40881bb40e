"""Rules are data: points per result, then the ordered criteria that separate teams level on points.

A criterion is one of three shapes:

- `Overall`: a figure of each team's whole table (goal difference, wins, away goals ...). It
  does not depend on which teams are level, so where it sits is all that matters.
- `Discipline`: penalty points from cards over the whole table, fewer is better.
- `HeadToHead`: a mini-league of the matches among the teams level on everything before it,
  computed once over that whole set. Its figures are compared together, in order; `reapply`
  (UEFA, Serie A) computes it again over a smaller set still level on all of them.

`Rules.restart` (MLS) starts the whole procedure again for the teams still level once one has
been separated. When the criteria run out, the rows stay level and are marked tied; `unresolved`
names what the competition does then (a play-off, drawing of lots, a coefficient).
"""

import enum
from collections.abc import Iterable
from typing import Any, NamedTuple, Self

from bestshot_domain.errors import InvalidInput


class Stat(enum.StrEnum):
    """A figure of a team's whole table; higher is better."""

    POINTS = "points"
    GOAL_DIFFERENCE = "goal_difference"
    GOALS_FOR = "goals_for"
    WINS = "wins"
    AWAY_WINS = "away_wins"
    AWAY_GOALS = "away_goals"
    AWAY_GOAL_DIFFERENCE = "away_goal_difference"
    HOME_GOALS = "home_goals"
    HOME_GOAL_DIFFERENCE = "home_goal_difference"
    OPPONENTS_POINTS = "opponents_points"
    OPPONENTS_GOAL_DIFFERENCE = "opponents_goal_difference"
    OPPONENTS_GOALS_FOR = "opponents_goals_for"


class H2HStat(enum.StrEnum):
    """A figure of the mini-league among level teams; higher is better."""

    POINTS = "head_to_head_points"
    GOAL_DIFFERENCE = "head_to_head_goal_difference"
    GOALS_FOR = "head_to_head_goals_for"
    AWAY_GOALS = "head_to_head_away_goals"


class Unresolved(enum.StrEnum):
    """What a competition does when its criteria cannot separate teams: never decided here."""

    PLAY_OFF = "play_off"
    LOTS = "lots"
    COEFFICIENT = "coefficient"
    QUALIFYING_RANKING = "qualifying_ranking"


class Overall(NamedTuple):
    stat: Stat

    @property
    def names(self) -> tuple[str, ...]:
        return (str(self.stat),)


class Discipline(NamedTuple):
    """Penalty points from one side's cards over the table; fewer is better.

    The weights are per player per match, in the categories of `bestshot_domain.model.Cards`.
    """

    name: str
    yellow: int
    second_yellow_red: int
    red: int
    yellow_and_red: int

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)


class HeadToHead(NamedTuple):
    """A mini-league over the teams level on everything before it.

    `reapply`: teams still level on every figure, when fewer than the whole set, get a new
    mini-league of the matches among them only (UEFA, Serie A). `only_two`: applies only when
    exactly two teams are level (Brasileirao). `when_complete`: applies only once every match
    among the level teams has been played, home and away (La Liga).
    """

    stats: tuple[H2HStat, ...]
    reapply: bool = False
    only_two: bool = False
    when_complete: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(stat) for stat in self.stats)


class PlayOffForTitleOrRelegation(NamedTuple):
    """Exactly two teams level on points for first place or across the top of a relegation
    zone, once the table has no fixture left, go to a play-off instead of the criteria (Serie A).

    Relegation zones are the zones whose name contains "relegation".
    """

    @property
    def names(self) -> tuple[str, ...]:
        return (str(Unresolved.PLAY_OFF),)


Criterion = Overall | Discipline | HeadToHead | PlayOffForTitleOrRelegation


def _points(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"points per result are integers, got {value!r}")
    return value


class _Rules(NamedTuple):
    name: str
    criteria: tuple[Criterion, ...]
    unresolved: Unresolved
    win: int = 3
    draw: int = 1
    loss: int = 0
    restart: bool = False


class Rules(_Rules):
    # A subclass, since a NamedTuple's own body cannot check its values in `__new__`.
    __slots__ = ()

    def __new__(  # noqa: PLR0917 - positional fields, as before
        cls,
        name: str,
        criteria: tuple[Criterion, ...],
        unresolved: Unresolved,
        win: int = 3,
        draw: int = 1,
        loss: int = 0,
        restart: bool = False,
    ) -> "Rules":
        win, draw, loss = _points(win), _points(draw), _points(loss)
        if not win > draw >= loss:
            raise InvalidInput(f"points must be win > draw >= loss, got {win},{draw},{loss}")
        return super().__new__(cls, name, criteria, unresolved, win, draw, loss, restart)

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]
        # `_replace` builds through `_make`: a changed value is checked as a new one is.
        return cls(*iterable)

    @property
    def uses_discipline(self) -> bool:
        return any(isinstance(c, Discipline) for c in self.criteria)


def with_points(rules: Rules, win: int, draw: int, loss: int) -> Rules:
    """The same rules with other points per result (2-1-0 for seasons before 1981 in England)."""
    return rules._replace(win=win, draw=draw, loss=loss)
