"""The ranking of the teams placed third across groups, and the knockout slot of each qualifier.

The teams have not met, so only whole-table figures rank them (points, goal difference, goals,
wins, discipline), as each competition's regulation lists them (`ThirdPlaceRule`). A criterion
the input lacks (no cards anywhere in the thirds' matches) is not guessed: the teams still level
there stay level, and `decided_by` names the missing criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bestshot_domain.standings.cards import Cards
from bestshot_domain.standings.eras import ThirdPlaceRule
from bestshot_domain.standings.inputs import MatchResult
from bestshot_domain.standings.rules import Discipline, Overall, Rules, Stat
from bestshot_domain.standings.table import StandingsRow, Table
from bestshot_domain.standings.zones import ZoneStatus, position_bounds

THIRDS = "Third-placed teams"
QUALIFIED = "qualified"

_ROW_FIGURES = {
    Stat.POINTS: lambda row: row.points,
    Stat.GOAL_DIFFERENCE: lambda row: row.goal_difference,
    Stat.GOALS_FOR: lambda row: row.goals_for,
    Stat.WINS: lambda row: row.won,
}


def third_placed(
    rule: ThirdPlaceRule,
    tables: Sequence[Table],
    matches: Sequence[MatchResult],
    *,
    rules: Rules | None = None,
) -> Table:
    """The thirds of every group table, ranked; the first `rule.qualifying` are `qualified`.

    With the groups' `rules`, each row's `zones` also says whether the team goes through
    (`third_statuses`), against the fixtures still to be played among `matches`."""
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
            row._replace(
                position=position + 1,
                decided_by=decided_by,
                tied=tied,
                zone=QUALIFIED if position < rule.qualifying else None,
                zones={},
                from_group=group,
                slot=slots.get(group),
            )
        )
    if rules is not None:
        statuses = third_statuses(rule, tables, matches, rules, rows)
        rows = [
            row._replace(zones={QUALIFIED: statuses[row.team]}) if row.team in statuses else row
            for row in rows
        ]
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


# The first two of each group go through; the thirds' ranking adds the best thirds.
_DIRECT = 2
_THIRD = 3


def third_statuses(
    rule: ThirdPlaceRule,
    tables: Sequence[Table],
    matches: Sequence[MatchResult],
    rules: Rules,
    ranked: Sequence[StandingsRow] = (),
) -> dict[str, ZoneStatus]:
    """Whether each team placed third now goes through to the knockout stage, either in its
    group's first two places or among the best thirds: `clinched` when it does whatever the
    remaining fixtures give, `eliminated` when it cannot, else `open`.

    Sound rather than sharp: from points alone (every criterion ranks on points first), each
    team's least and most points and the group places they allow; a third ranks below another
    group's third only if that one surely has more points. Once every match is played, the
    thirds' ranking itself decides, unless a tie the rules cannot break touches a third place.
    `ranked` is the thirds' ranking (`third_placed`'s rows, with its ties), for that last case."""
    points_first = bool(rule.criteria) and rule.criteria[0] == Overall(Stat.POINTS)
    groups = [table for table in tables if len(table.rows) >= _THIRD]
    remaining = _remaining(groups, matches)
    bounds = {table.group: _bounds(table, remaining, rules) for table in groups}
    thirds = {table.group: table.rows[_THIRD - 1].team for table in groups}
    if not remaining and all(
        bounds[group][team][2:] == (_THIRD, _THIRD) for group, team in thirds.items()
    ):
        return _final_statuses(rule, ranked)
    third_most = {
        g: sorted((b[1] for b in by.values()), reverse=True)[2] for g, by in bounds.items()
    }
    third_least = {
        g: sorted((b[0] for b in by.values()), reverse=True)[2] for g, by in bounds.items()
    }
    statuses = {}
    for group, team in thirds.items():
        least, most, best, worst = bounds[group][team]
        others = [other for other in bounds if other != group]
        may_rank_above = sum(third_most[other] >= least for other in others)
        surely_above = sum(third_least[other] > most for other in others)
        if worst <= _DIRECT or (
            points_first and worst <= _THIRD and may_rank_above < rule.qualifying
        ):
            statuses[team] = ZoneStatus.CLINCHED
        elif best > _DIRECT and (
            best > _THIRD or (points_first and surely_above >= rule.qualifying)
        ):
            statuses[team] = ZoneStatus.ELIMINATED
        else:
            statuses[team] = ZoneStatus.OPEN
    return statuses


def _third_largest(values: Iterable[int]) -> int:
    return sorted(values, reverse=True)[_THIRD - 1]


def _remaining(groups: Sequence[Table], matches: Sequence[MatchResult]) -> dict[str, int]:
    """Each team's fixtures still to be played within its group."""
    group_of = {row.team: table.group for table in groups for row in table.rows}
    remaining: dict[str, int] = {}
    for match in matches:
        if match.home_goals is not None and match.away_goals is not None:
            continue
        if match.home == match.away or match.home not in group_of:
            continue
        if group_of[match.home] != group_of.get(match.away, object()):
            continue
        for team in (match.home, match.away):
            remaining[team] = remaining.get(team, 0) + 1
    return remaining


def _bounds(
    table: Table, remaining: Mapping[str, int], rules: Rules
) -> dict[str, tuple[int, int, int, int]]:
    """Each team: its least and most final points, its best and worst final place."""
    most = max(rules.win, rules.draw, rules.loss)
    least = min(rules.win, rules.draw, rules.loss)
    rows = table.rows
    low = [row.points + remaining.get(row.team, 0) * least for row in rows]
    high = [row.points + remaining.get(row.team, 0) * most for row in rows]
    if any(remaining.get(row.team) for row in rows):
        places = position_bounds(low, high)
    else:
        places = _runs(rows)
    return {row.team: (low[i], high[i], *places[i]) for i, row in enumerate(rows)}


def _runs(rows: Sequence[StandingsRow]) -> list[tuple[int, int]]:
    """Final places; neighbours the rules left tied may finish in either order."""
    places: list[tuple[int, int]] = []
    start = 0
    for i in range(len(rows)):
        if i + 1 == len(rows) or not (rows[i].tied and rows[i + 1].tied):
            places += [(start + 1, i + 1)] * (i + 1 - start)
            start = i + 1
    return places


def _final_statuses(rule: ThirdPlaceRule, ranked: Sequence[StandingsRow]) -> dict[str, ZoneStatus]:
    statuses = {}
    for team, (best, worst) in zip((row.team for row in ranked), _runs(ranked), strict=True):
        if worst <= rule.qualifying:
            statuses[team] = ZoneStatus.CLINCHED
        elif best > rule.qualifying:
            statuses[team] = ZoneStatus.ELIMINATED
        else:
            statuses[team] = ZoneStatus.OPEN
    return statuses
