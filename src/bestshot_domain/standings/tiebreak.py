"""Ordering a table: points, then each preset's criteria, applied to the sets of teams still level.

The procedure works on a set of level teams and the index of the next criterion. A criterion
gives each team of the set a tuple of figures; the set is sorted on them and split into runs of
equal tuples. Between two runs, the separating criterion is the first figure that differs. Each
run of two or more goes on to the next criterion, except:

- a head-to-head criterion with `reapply` gives a run smaller than its set the same criterion
  again, computed over that run's own matches (UEFA's "criteria a) to c) reapplied exclusively to
  the matches between the teams still level"): all figures of the mini-league are compared before
  any reapplication, which is what puts Romania above Belgium in Euro 2024 Group E;
- rules with `restart` (MLS) send a run smaller than its set back to the first criterion.

When the criteria run out, the rows are left level, marked tied, and ordered by name.
"""

from collections.abc import Sequence
from typing import NamedTuple

from bestshot_domain.standings.rules import (
    Discipline,
    HeadToHead,
    Overall,
    PlayOffForTitleOrRelegation,
    Rules,
    Stat,
    Unresolved,
)
from bestshot_domain.standings.stats import TableStats

# Whole-table figures that cost nothing to read are compared together in one sort.
_OPPONENTS = frozenset(
    {Stat.OPPONENTS_POINTS, Stat.OPPONENTS_GOAL_DIFFERENCE, Stat.OPPONENTS_GOALS_FOR}
)


class _OverallBlock(NamedTuple):
    """Consecutive whole-table criteria, compared as one tuple: the same order as one by one."""

    stats: tuple[Stat, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(stat) for stat in self.stats)


_Step = _OverallBlock | Overall | Discipline | HeadToHead | PlayOffForTitleOrRelegation
# A team's figures by its index: a list for whole-table figures, a dict for a mini-league.
_Keys = list[tuple[int, ...]] | dict[int, tuple[int, ...]]


def _steps(rules: Rules) -> tuple[_Step, ...]:
    steps: list[_Step] = [_OverallBlock((Stat.POINTS,))]
    for criterion in rules.criteria:
        last = steps[-1]
        if isinstance(criterion, Overall) and criterion.stat not in _OPPONENTS:
            if isinstance(last, _OverallBlock):
                steps[-1] = _OverallBlock((*last.stats, criterion.stat))
                continue
            steps.append(_OverallBlock((criterion.stat,)))
            continue
        steps.append(criterion)
    return tuple(steps)


class Ranking(NamedTuple):
    """Team indices in table order; `separators[i]` is why team i is above team i+1."""

    order: tuple[int, ...]
    separators: tuple[str, ...]
    tied: tuple[bool, ...]  # by team index


class _Ranker:
    def __init__(
        self,
        rules: Rules,
        stats: TableStats,
        names: Sequence[str],
        ids: Sequence[str],
        relegation_tops: frozenset[int],
    ) -> None:
        self.steps = _steps(rules)
        self.rules = rules
        self.stats = stats
        self.names = names
        self.ids = ids
        # 0-based positions of the first relegated place of each relegation zone.
        self.relegation_tops = relegation_tops
        self.order: list[int] = []
        self.separators: list[str] = []
        self.tied = [False] * stats.size
        self._whole_table: dict[_Step, list[tuple[int, ...]]] = {}

    def rank(self, teams: list[int], step: int, offset: int) -> None:
        """Append `teams`, which start at position `offset`, in order."""
        if len(teams) == 1:
            self._emit(teams[0])
            return
        if step == len(self.steps):
            self._unresolved(teams, str(self.rules.unresolved))
            return
        criterion = self.steps[step]
        keys = self._keys(criterion, teams, offset)
        if keys is None:
            self.rank(teams, step + 1, offset)
            return
        if isinstance(keys, str):
            self._unresolved(teams, keys)
            return
        names = criterion.names
        teams = sorted(teams, key=keys.__getitem__, reverse=True)
        start = 0
        for end in range(1, len(teams) + 1):
            if end < len(teams) and keys[teams[end]] == keys[teams[start]]:
                continue
            if start:
                self._separate(
                    names[0]
                    if len(names) == 1
                    else _first_difference(names, keys[teams[start - 1]], keys[teams[start]])
                )
            run = teams[start:end]
            if len(run) == 1:
                self._emit(run[0])
            elif len(run) == len(teams):
                self.rank(run, step + 1, offset + start)
            elif isinstance(criterion, HeadToHead) and criterion.reapply:
                self.rank(run, step, offset + start)
            elif self.rules.restart:
                self.rank(run, 0, offset + start)
            else:
                self.rank(run, step + 1, offset + start)
            start = end

    def _keys(
        self,
        criterion: _Step,
        teams: list[int],
        offset: int,
    ) -> _Keys | str | None:
        """Each team's figures; None when the criterion does not apply to this set; a string
        when it decides that the set stays level (a play-off)."""
        if isinstance(criterion, _OverallBlock | Overall | Discipline):
            # Whole-table figures do not depend on the set: one tuple per team, made once.
            keys = self._whole_table.get(criterion)
            if keys is None:
                columns = [self.stats.values(key) for key in _figures(criterion)]
                keys = self._whole_table[criterion] = list(zip(*columns, strict=True))
            return keys
        if isinstance(criterion, HeadToHead):
            applies = not (criterion.only_two and len(teams) != 2) and not (
                criterion.when_complete and not self.stats.met_home_and_away(teams)
            )
            return self.stats.mini_league(teams, criterion.stats) if applies else None
        # Serie A: two clubs level on points for the title or for relegation, season over.
        play_off = (
            len(teams) == 2
            and not self.stats.fixtures
            and (offset == 0 or offset + 1 in self.relegation_tops)
        )
        return str(Unresolved.PLAY_OFF) if play_off else None

    def _unresolved(self, teams: list[int], label: str) -> None:
        ordered = sorted(teams, key=lambda team: (self.names[team], self.ids[team]))
        for team in ordered:
            self.tied[team] = True
        self._emit(ordered[0])
        for team in ordered[1:]:
            self._separate(label)
            self._emit(team)

    def _emit(self, team: int) -> None:
        self.order.append(team)

    def _separate(self, label: str) -> None:
        self.separators.append(label)


def _figures(criterion: _OverallBlock | Overall | Discipline) -> tuple[Stat | Discipline, ...]:
    if isinstance(criterion, _OverallBlock):
        return criterion.stats
    return (criterion,) if isinstance(criterion, Discipline) else (criterion.stat,)


def _first_difference(names: Sequence[str], upper: tuple[int, ...], lower: tuple[int, ...]) -> str:
    for name, a, b in zip(names, upper, lower, strict=True):
        if a != b:
            return name
    raise AssertionError("runs are split only where their figures differ")


def rank(
    rules: Rules,
    stats: TableStats,
    names: Sequence[str],
    ids: Sequence[str],
    relegation_tops: frozenset[int] = frozenset(),
    *,
    members: Sequence[int] | None = None,
) -> Ranking:
    """The table order of `stats`' teams (or of `members` only, a division) under `rules`."""
    ranker = _Ranker(rules, stats, names, ids, relegation_tops)
    ranker.rank(list(range(stats.size)) if members is None else list(members), 0, 0)
    return Ranking(tuple(ranker.order), tuple(ranker.separators), tuple(ranker.tied))
