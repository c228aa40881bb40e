"""Per-team figures of one table, gathered in one pass over its matches.

Figures live in parallel lists indexed by the team's place in the table's team list: the engine
runs on every score change of every tournament, and plain lists keep the one pass close to the
cost of merely adding up points. Home and away records are kept apart, so that every total
and every home or away criterion comes from the same pass; what a preset rarely needs
(opponents' records, cards, the head-to-head index) is computed on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings.cards import Cards
from bestshot_domain.standings.inputs import MatchResult
from bestshot_domain.standings.rules import Discipline, H2HStat, Rules, Stat

Played = tuple[int, int, int, int, MatchResult]
"""(home index, away index, home goals, away goals, the match) of a played match."""


def _difference(scored: list[int], conceded: list[int]) -> list[int]:
    return [f - a for f, a in zip(scored, conceded, strict=True)]


def _sum(home: list[int], away: list[int]) -> list[int]:
    return [h + a for h, a in zip(home, away, strict=True)]


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
        self.home_won, self.away_won = tally.home_won, tally.away_won
        self.home_for, self.home_against = tally.home_for, tally.home_against
        self.away_for, self.away_against = tally.away_for, tally.away_against
        self.won = _sum(tally.home_won, tally.away_won)
        self.drawn = _sum(tally.home_drawn, tally.away_drawn)
        self.lost = _sum(tally.home_lost, tally.away_lost)
        self.goals_for = _sum(tally.home_for, tally.away_for)
        self.goals_against = _sum(tally.home_against, tally.away_against)
        win, draw, loss = rules.win, rules.draw, rules.loss
        self.points = [
            w * win + d * draw + lo * loss + adj
            for w, d, lo, adj in zip(self.won, self.drawn, self.lost, adjustments, strict=True)
        ]
        self._values: dict[object, list[int]] = {Stat.POINTS: self.points}
        self._by_home: list[list[tuple[int, int, int]]] | None = None
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
    def by_home_team(self) -> list[list[tuple[int, int, int]]]:
        """Each team's played home matches as (opponent, goals for, goals against), built on
        first use: most tables never need a head-to-head."""
        if self._by_home is None:
            index = self.index
            by_home: list[list[tuple[int, int, int]]] = [[] for _ in range(self.size)]
            for match in self.matches:
                home_goals, away_goals = match.home_goals, match.away_goals
                if home_goals is not None and away_goals is not None:
                    by_home[index[match.home]].append((index[match.away], home_goals, away_goals))
            self._by_home = by_home
        return self._by_home

    def mini_league(
        self, teams: Sequence[int], stats: Sequence[H2HStat]
    ) -> dict[int, tuple[int, ...]]:
        """Each team's figures over the matches among `teams` only, in the order of `stats`."""
        by_home = self.by_home_team
        win, draw, loss = self.rules.win, self.rules.draw, self.rules.loss
        among = set(teams)
        points = dict.fromkeys(teams, 0)
        scored = dict.fromkeys(teams, 0)
        conceded = dict.fromkeys(teams, 0)
        away_scored = dict.fromkeys(teams, 0)
        for home in teams:
            for away, home_goals, away_goals in by_home[home]:
                if away not in among:
                    continue
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
        among = set(teams)
        if any(home in among and away in among for home, away in self.fixtures):
            return False
        by_home = self.by_home_team
        for home in teams:
            met = {away for away, _, _ in by_home[home]}
            if not among - {home} <= met:
                return False
        return True

    def form(self, length: int = 5) -> list[str]:
        """The last `length` results of each team, oldest first (W, D or L).

        A team's matches with the same kickoff (or none known) are ordered by their score from
        its side, so that form depends on neither the order of the input nor the teams' ids.
        """
        # Walk back from the latest match, prepending each team's letters, until every team
        # has `length` of them and the kickoff being read is done.
        letters = [""] * self.size
        last_block = [-1] * self.size
        missing = self.size
        index = self.index
        block = -1
        last_kickoff: object = _NOTHING
        for match in reversed(self.matches):
            kickoff = match.kickoff
            if kickoff != last_kickoff:
                if not missing:
                    break
                last_kickoff = kickoff
                block += 1
            home_goals, away_goals = match.home_goals, match.away_goals
            if home_goals is None or away_goals is None:
                continue
            home, away = index[match.home], index[match.away]
            if last_block[home] == block or last_block[away] == block:
                return self._form_with_shared_kickoffs(length)
            last_block[home] = last_block[away] = block
            if home_goals > away_goals:
                letters[home] = "W" + letters[home]
                letters[away] = "L" + letters[away]
            elif home_goals < away_goals:
                letters[home] = "L" + letters[home]
                letters[away] = "W" + letters[away]
            else:
                letters[home] = "D" + letters[home]
                letters[away] = "D" + letters[away]
            if len(letters[home]) == length:
                missing -= 1
            if len(letters[away]) == length:
                missing -= 1
        return [form[-length:] for form in letters]

    def _form_with_shared_kickoffs(self, length: int) -> list[str]:
        """The slow way, for a team with two matches of one kickoff (or of no known kickoff):
        its results of one kickoff go in the order of their score from its side."""
        results: list[list[tuple[int, int, int]]] = [[] for _ in range(self.size)]
        block = -1
        last_kickoff: object = _NOTHING
        for match in self.matches:
            if match.kickoff != last_kickoff:
                last_kickoff = match.kickoff
                block += 1
            home_goals, away_goals = match.home_goals, match.away_goals
            if home_goals is not None and away_goals is not None:
                results[self.index[match.home]].append((block, home_goals, away_goals))
                results[self.index[match.away]].append((block, away_goals, home_goals))
        return [
            "".join(
                "W" if scored > conceded else "L" if scored < conceded else "D"
                for _, scored, conceded in sorted(mine)[-length:]
            )
            for mine in results
        ]


_NOTHING = object()


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
