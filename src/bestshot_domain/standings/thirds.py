"""The ranking of the teams placed third across groups, and the knockout slot of each qualifier.

The teams have not met, so only whole-table figures rank them (points, goal difference, goals,
wins, discipline), as each competition's regulation lists them (`ThirdPlaceRule`). A criterion
the input lacks (no cards anywhere in the thirds' matches) is not guessed: the teams still level
there stay level, and `decided_by` names the missing criterion.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import evolve

from bestshot_domain.standings.cards import Cards
from bestshot_domain.standings.eras import ThirdPlaceRule
from bestshot_domain.standings.inputs import MatchResult
from bestshot_domain.standings.rules import Discipline, Overall, Stat
from bestshot_domain.standings.table import StandingsRow, Table

THIRDS = "Third-placed teams"
QUALIFIED = "qualified"

_ROW_FIGURES = {
    Stat.POINTS: lambda row: row.points,
    Stat.GOAL_DIFFERENCE: lambda row: row.goal_difference,
    Stat.GOALS_FOR: lambda row: row.goals_for,
    Stat.WINS: lambda row: row.won,
}


def third_placed(
    rule: ThirdPlaceRule, tables: Sequence[Table], matches: Sequence[MatchResult]
) -> Table:
    """The thirds of every group table, ranked; the first `rule.qualifying` are `qualified`."""
    thirds = [(table.group or "", table.rows[2]) for table in tables if len(table.rows) >= 3]
    names: list[str] = []
    figures: dict[str, list[int]] = {row.team: [] for _, row in thirds}
    missing: str | None = None
    for criterion in rule.criteria:
        if isinstance(criterion, Discipline):
            penalties = _penalties(criterion, [row.team for _, row in thirds], matches)
            if penalties is None:
                missing = f"{criterion.name}: not in the input"
                break
            for team, value in penalties.items():
                figures[team].append(-value)
        elif isinstance(criterion, Overall) and criterion.stat in _ROW_FIGURES:
            for _, row in thirds:
                figures[row.team].append(_ROW_FIGURES[criterion.stat](row))
        else:  # pragma: no cover - the presets hold none
            raise AssertionError(f"{criterion} cannot rank teams across groups")
        names.append(criterion.names[0])
    ordered = sorted(thirds, key=lambda item: ([-f for f in figures[item[1].team]], item[1].name))
    level_label = missing or str(rule.unresolved)
    rows: list[StandingsRow] = []
    qualifiers = [group for group, _ in ordered[: rule.qualifying]]
    slots = _slots(rule, qualifiers)
    for position, (group, row) in enumerate(ordered):
        decided_by = None
        tied = False
        if position + 1 < len(ordered):
            below = figures[ordered[position + 1][1].team]
            decided_by = _first_difference(names, figures[row.team], below) or level_label
            tied = decided_by == level_label
        if position and figures[ordered[position - 1][1].team] == figures[row.team]:
            tied = True
        rows.append(
            evolve(
                row,
                position=position + 1,
                decided_by=decided_by,
                tied=tied,
                zone=QUALIFIED if position < rule.qualifying else None,
                zones={},
                from_group=group,
                slot=slots.get(group),
            )
        )
    return Table(THIRDS, tuple(rows), rule.qualifying)


def _first_difference(names: list[str], upper: list[int], lower: list[int]) -> str | None:
    for name, a, b in zip(names, upper, lower, strict=True):
        if a != b:
            return name
    return None


def _penalties(
    weights: Discipline, teams: list[str], matches: Sequence[MatchResult]
) -> dict[str, int] | None:
    """Each team's penalty points, or None when none of their matches has cards."""
    cards = dict.fromkeys(teams, Cards())
    seen = False
    for match in matches:
        for team, side in ((match.home, match.home_cards), (match.away, match.away_cards)):
            if team in cards and side is not None:
                cards[team] = cards[team] + side
                seen = True
    if not seen:
        return None
    return {
        team: c.yellow * weights.yellow
        + c.second_yellow_red * weights.second_yellow_red
        + c.red * weights.red
        + c.yellow_and_red * weights.yellow_and_red
        for team, c in cards.items()
    }


def _slots(rule: ThirdPlaceRule, groups: list[str]) -> dict[str, str]:
    """The group winner each qualifier meets, where the regulation's table fixes it."""
    letters = {group: group.split()[-1].upper() if group.split() else "" for group in groups}
    combination = "".join(sorted(letters.values()))
    order = rule.slots.get(combination)
    if order is None:
        return {}
    by_letter = {letter: group for group, letter in letters.items()}
    return {by_letter[letter]: winner for letter, winner in zip(order, rule.opponents, strict=True)}
