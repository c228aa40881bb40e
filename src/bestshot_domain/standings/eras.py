"""Seasons and rule eras: which of a competition's regulations applies to a season.

A competition's rules are a list of eras, oldest first, each valid from a season on. The season
of a set of fixtures is read from its earliest match date and the competition's season start
(a European league starting between July and December 1995 plays season `1995-96`; a
calendar-year competition such as the Brasileirao plays `2023`). The data is in `presets.py`.
"""

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings.rules import Criterion, Discipline, Rules, Unresolved


class Season(NamedTuple):
    """A season by the year it starts; `split` seasons span two years (`1995-96`)."""

    start: int
    split: bool = True

    def __str__(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}" if self.split else str(self.start)

    # Seasons are ordered by their start alone.
    def __lt__(self, other: tuple[object, ...]) -> bool:
        return self.start < other.start if isinstance(other, Season) else NotImplemented

    def __le__(self, other: tuple[object, ...]) -> bool:
        return self.start <= other.start if isinstance(other, Season) else NotImplemented

    def __gt__(self, other: tuple[object, ...]) -> bool:
        return self.start > other.start if isinstance(other, Season) else NotImplemented

    def __ge__(self, other: tuple[object, ...]) -> bool:
        return self.start >= other.start if isinstance(other, Season) else NotImplemented


# Compiled by `re` at its first use (and kept): `bestshot table` starts without compiling it.
_SEASON = r"^(?P<start>\d{4})(?:[-/](?P<end>\d{2}|\d{4}))?$"


def parse_season(text: str, *, split: bool) -> Season:
    """`1995-96`, `1995/96`, `1995-1996` or `1995` for a split season; `2023` for a calendar
    year. InvalidInput for anything else."""
    found = re.fullmatch(_SEASON, text.strip())
    if found is None:
        raise InvalidInput(f"expected a season such as 1995-96 or 2023, got {text!r}")
    start = int(found["start"])
    end = found["end"]
    if end is not None:
        if not split:
            raise InvalidInput(f"season {text!r}: this competition's seasons are calendar years")
        expected = start + 1 if len(end) == 4 else (start + 1) % 100
        if int(end) != expected:
            raise InvalidInput(f"season {text!r}: a season ends the year after it starts")
    return Season(start, split)


class ThirdPlaceRule(NamedTuple):
    """A ranking of the teams placed third across groups, `qualifying` of them going through.

    `criteria` are whole-table figures only (the teams have not met). `slots` maps the sorted
    group letters of the qualifiers (`"BCEF"`) to the group winner each one meets, in the
    order of `opponents`: with opponents `("1A", "1B", "1C", "1D")` and `"BCEF": "ECBF"`, the
    third of group E meets the winner of group A.
    """

    qualifying: int
    criteria: tuple[Criterion, ...]
    unresolved: Unresolved
    opponents: tuple[str, ...] = ()
    slots: Mapping[str, str] = MappingProxyType({})

    def __hash__(self) -> int:
        # A mapping has no hash: `slots` is left out.
        return hash((self.qualifying, self.criteria, self.unresolved, self.opponents))


class Era(NamedTuple):
    """One regulation of a competition, valid from the season starting in `since`.

    `away_goals`: two-legged knockout ties level on aggregate go to the side with more away
    goals (extra-time goals included) before a shoot-out.
    """

    name: str
    since: int
    rules: Rules
    regulation: str
    away_goals: bool = False
    thirds: ThirdPlaceRule | None = None

    @property
    def counts_cards(self) -> bool:
        """Whether cards can decide anything in its tables: a fair-play criterion among its
        rules' or its third-placed teams' criteria. Without one, tables are the same with the
        matches' cards or without them, so those need not be read."""
        thirds = self.thirds.criteria if self.thirds is not None else ()
        return any(isinstance(c, Discipline) for c in (*self.rules.criteria, *thirds))


class Competition(NamedTuple):
    """A competition's eras, oldest first, and the day its seasons start (month, day)."""

    name: str
    eras: tuple[Era, ...]
    season_start: tuple[int, int] = (7, 1)

    @property
    def split(self) -> bool:
        return self.season_start != (1, 1)

    @property
    def current(self) -> Era:
        return self.eras[-1]

    def season_of(self, day: date) -> Season:
        """The season a match played on `day` belongs to."""
        starts_this_year = (day.month, day.day) >= self.season_start
        return Season(day.year if starts_this_year or not self.split else day.year - 1, self.split)

    def era(self, season: Season) -> Era:
        """The era in force in `season`; seasons before the first era get the first one."""
        chosen = self.eras[0]
        for era in self.eras:
            if era.since <= season.start:
                chosen = era
        return chosen

    def parse_season(self, text: str) -> Season:
        return parse_season(text, split=self.split)
