"""Per-team figures of one table, gathered in one pass over its matches.

Figures live in parallel lists indexed by the team's place in the table's team list: the engine
runs on every score change of every tournament, and plain lists keep the one pass close to the
cost of merely adding up points. Home and away records are kept apart, so that every total
and every home or away criterion comes from the same pass; what a preset rarely needs
(opponents' records, cards, the head-to-head index) is computed on first use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence

from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Cards
from bestshot_domain.standings.inputs import MatchResult
from bestshot_domain.standings.rules import Discipline, H2HStat, Rules, Stat

Played = tuple[int, int, int, int, MatchResult]
"""(home index, away index, home goals, away goals, the match) of a played match."""


def _difference(scored: list[int], conceded: list[int]) -> list[int]:
    return [f - a for f, a in zip(scored, conceded, strict=True)]


class _Tally:
    """The one pass: home and away records of every team, and the remaining fixtures."""

    def __init__(self, index: Mapping[str, int], matches: Sequence[MatchResult]) -> None:
        size = len(index)
        fixtures: list[tuple[int, int]] = []
        home_won = [0] * size
        home_drawn = [0] * size
        home_lost = [0] * size
        away_won = [0] * size
        away_drawn = [0] * size
        away_lost = [0] * size
        home_for = [0] * size
        home_against = [0] * size
        away_for = [0] * size
        away_against = [0] * size
        try:
            for match in matches:
                home = index[match.home]
                away = index[match.away]
                home_goals = match.home_goals
                away_goals = match.away_goals
                # A team playing itself lands with the fixtures, checked once after the loop.
                if home_goals is None or away_goals is None or home == away:
                    fixtures.append((home, away))
                    continue
                home_for[home] += home_goals
                home_against[home] += away_goals
                away_for[away] += away_goals
                away_against[away] += home_goals
                if home_goals > away_goals:
                    home_won[home] += 1
                    away_lost[away] += 1
                elif home_goals < away_goals:
                    home_lost[home] += 1
                    away_won[away] += 1
                else:
                    home_drawn[home] += 1
                    away_drawn[away] += 1
        except KeyError as missing:
            raise InvalidInput(
                f"a match names {missing.args[0]!r}, which is not a team here"
            ) from None
        for home, away in fixtures:
            if home == away:
                itself = next(m.home for m in matches if m.home == m.away)
                raise InvalidInput(f"{itself!r} cannot play itself")

        self.fixtures = fixtures
        self.home_won, self.home_drawn, self.home_lost = home_won, home_drawn, home_lost
        self.away_won, self.away_drawn, self.away_lost = away_won, away_drawn, away_lost
        self.home_for, self.home_against = home_for, home_against
        self.away_for, self.away_against = away_for, away_against


class TableStats:
    """The records of one table's teams, from its matches in kickoff order.

    Raises InvalidInput for a match naming a team not in `index` or a team playing itself.
    """

    def __init__(
        self,
        rules: Rules,
        index: Mapping[str, int],
        matches: Sequence[MatchResult],
        adjustments: Sequence[int],
    ) -> None:
        self.rules = rules
        self.size = len(index)
        self.index = index
        self.matches = matches
        self.adjustments = adjustments
        tally = _Tally(index, matches)
        self.fixtures = tally.fixtures
        home_won, home_drawn, home_lost = tally.home_won, tally.home_drawn, tally.home_lost
        away_won, away_drawn, away_lost = tally.away_won, tally.away_drawn, tally.away_lost
        home_for, home_against = tally.home_for, tally.home_against
        away_for, away_against = tally.away_for, tally.away_against
        self.home_won, self.home_drawn, self.home_lost = home_won, home_drawn, home_lost
        self.away_won, self.away_drawn, self.away_lost = away_won, away_drawn, away_lost
        self.home_for, self.home_against = home_for, home_against
        self.away_for, self.away_against = away_for, away_against
        self.won = [h + a for h, a in zip(home_won, away_won, strict=True)]
        self.drawn = [h + a for h, a in zip(home_drawn, away_drawn, strict=True)]
        self.lost = [h + a for h, a in zip(home_lost, away_lost, strict=True)]
        self.goals_for = [h + a for h, a in zip(home_for, away_for, strict=True)]
        self.goals_against = [h + a for h, a in zip(home_against, away_against, strict=True)]
        win, draw, loss = rules.win, rules.draw, rules.loss
        self.points = [
            w * win + d * draw + lo * loss + adj
            for w, d, lo, adj in zip(self.won, self.drawn, self.lost, adjustments, strict=True)
        ]
        self._values: dict[object, list[int]] = {Stat.POINTS: self.points}
        self._pairs: dict[tuple[int, int], list[tuple[int, int]]] | None = None
        self._played: list[Played] | None = None

    @property
    def played(self) -> list[Played]:
        """The played matches with their teams' indices, in kickoff order, built on first use."""
        if self._played is None:
            index = self.index
            self._played = [
                (index[m.home], index[m.away], m.home_goals, m.away_goals, m)
                for m in self.matches
                if m.home_goals is not None and m.away_goals is not None
            ]
        return self._played

    # Whole-table figures, higher is better.

    def values(self, key: Stat | Discipline) -> list[int]:
        cached = self._values.get(key)
        if cached is None:
            cached = self._values[key] = self._compute(key)
        return cached

    def _compute(self, key: Stat | Discipline) -> list[int]:
        if isinstance(key, Discipline):
            return [-penalty for penalty in self._discipline(key)]
        if key in _OPPONENTS:
            return self._opponents(_OPPONENTS[key])
        return _WHOLE_TABLE[key](self)

    def _opponents(self, key: Stat) -> list[int]:
        own = self.values(key)
        total = [0] * self.size
        for home, away, _, _, _ in self.played:
            total[home] += own[away]
            total[away] += own[home]
        return total

    def _discipline(self, weights: Discipline) -> list[int]:
        cards = [Cards()] * self.size
        for home, away, _, _, match in self.played:
            if match.home_cards is not None:
                cards[home] = cards[home] + match.home_cards
            if match.away_cards is not None:
                cards[away] = cards[away] + match.away_cards
        return [
            c.yellow * weights.yellow
            + c.second_yellow_red * weights.second_yellow_red
            + c.red * weights.red
            + c.yellow_and_red * weights.yellow_and_red
            for c in cards
        ]

    # Head-to-head.

    @property
    def pairs(self) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """The scores of the played matches by (home, away), built on first use."""
        if self._pairs is None:
            pairs: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
            for home, away, home_goals, away_goals, _ in self.played:
                pairs[home, away].append((home_goals, away_goals))
            self._pairs = dict(pairs)
        return self._pairs

    def mini_league(
        self, teams: Sequence[int], stats: Sequence[H2HStat]
    ) -> dict[int, tuple[int, ...]]:
        """Each team's figures over the matches among `teams` only, in the order of `stats`."""
        pairs = self.pairs
        win, draw, loss = self.rules.win, self.rules.draw, self.rules.loss
        points = dict.fromkeys(teams, 0)
        scored = dict.fromkeys(teams, 0)
        conceded = dict.fromkeys(teams, 0)
        away_scored = dict.fromkeys(teams, 0)
        for home in teams:
            for away in teams:
                for home_goals, away_goals in pairs.get((home, away), ()):
                    scored[home] += home_goals
                    conceded[home] += away_goals
                    scored[away] += away_goals
                    conceded[away] += home_goals
                    away_scored[away] += away_goals
                    if home_goals > away_goals:
                        points[home] += win
                        points[away] += loss
                    elif home_goals < away_goals:
                        points[home] += loss
                        points[away] += win
                    else:
                        points[home] += draw
                        points[away] += draw
        columns = {
            H2HStat.POINTS: points,
            H2HStat.GOAL_DIFFERENCE: {t: scored[t] - conceded[t] for t in teams},
            H2HStat.GOALS_FOR: scored,
            H2HStat.AWAY_GOALS: away_scored,
        }
        return {team: tuple(columns[stat][team] for stat in stats) for team in teams}

    def met_home_and_away(self, teams: Sequence[int]) -> bool:
        """Every level team has played every other at home and away, and none meets again."""
        pairs = self.pairs
        chosen = set(teams)
        if any(home in chosen and away in chosen for home, away in self.fixtures):
            return False
        return all((home, away) in pairs for home in teams for away in teams if home != away)

    def form(self, length: int = 5) -> list[str]:
        """The last `length` results of each team, oldest first (W, D or L).

        A team's matches with the same kickoff (or none known) are ordered by their score from
        its side, so that form depends on neither the order of the input nor the teams' ids.
        """
        recent: list[list[str]] = [[] for _ in range(self.size)]
        missing = self.size
        index = self.index
        for block in _same_kickoff_blocks_latest_first(self.matches):
            results: list[tuple[int, int, int]] = []  # (team, goals for, goals against)
            for match in block:
                home_goals, away_goals = match.home_goals, match.away_goals
                if home_goals is not None and away_goals is not None:
                    results.append((index[match.home], home_goals, away_goals))
                    results.append((index[match.away], away_goals, home_goals))
            if len(block) > 1:
                results.sort(reverse=True)
            for team, scored, conceded in results:
                mine = recent[team]
                if len(mine) < length:
                    mine.append("W" if scored > conceded else "L" if scored < conceded else "D")
                    if len(mine) == length:
                        missing -= 1
            if not missing:
                break
        return ["".join(reversed(results)) for results in recent]


def _same_kickoff_blocks_latest_first(
    matches: Sequence[MatchResult],
) -> Iterator[Sequence[MatchResult]]:
    """`matches` (in kickoff order) backwards, in runs of equal kickoff."""
    end = len(matches)
    while end:
        kickoff = matches[end - 1].kickoff
        start = end - 1
        while start and matches[start - 1].kickoff == kickoff:
            start -= 1
        yield matches[start:end]
        end = start


_WHOLE_TABLE: dict[Stat, Callable[[TableStats], list[int]]] = {
    Stat.POINTS: lambda s: s.points,
    Stat.GOAL_DIFFERENCE: lambda s: _difference(s.goals_for, s.goals_against),
    Stat.GOALS_FOR: lambda s: s.goals_for,
    Stat.WINS: lambda s: s.won,
    Stat.AWAY_WINS: lambda s: s.away_won,
    Stat.AWAY_GOALS: lambda s: s.away_for,
    Stat.AWAY_GOAL_DIFFERENCE: lambda s: _difference(s.away_for, s.away_against),
    Stat.HOME_GOALS: lambda s: s.home_for,
    Stat.HOME_GOAL_DIFFERENCE: lambda s: _difference(s.home_for, s.home_against),
}
# An opponents' figure sums, over a team's matches, the opponent's own figure.
_OPPONENTS = {
    Stat.OPPONENTS_POINTS: Stat.POINTS,
    Stat.OPPONENTS_GOAL_DIFFERENCE: Stat.GOAL_DIFFERENCE,
    Stat.OPPONENTS_GOALS_FOR: Stat.GOALS_FOR,
}
