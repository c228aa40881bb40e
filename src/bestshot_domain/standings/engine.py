"""compute_standings: the tables of a tournament from its teams, matches and point adjustments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from types import MappingProxyType

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings.inputs import MatchResult, TeamEntry
from bestshot_domain.standings.rules import Rules, Unresolved
from bestshot_domain.standings.stats import TableStats
from bestshot_domain.standings.table import StandingsRow, Table, frozen_zones
from bestshot_domain.standings.tiebreak import Ranking, rank
from bestshot_domain.standings.zones import (
    Zone,
    ZoneStatus,
    current_zone,
    position_bounds,
    status_from_bounds,
)

# Matches are taken in kickoff order, so that form never depends on the order they are given
# (`TableStats.form` orders a team's matches of the same kickoff by their score). Unknown
# kickoffs come first.
_ORDER = attrgetter("kickoff")
_GROUP = attrgetter("group")
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_UNRESOLVED = frozenset(str(label) for label in Unresolved)
_NO_ZONES: Mapping[str, ZoneStatus] = frozen_zones({})


def _order_with_unknown_kickoffs(match: MatchResult) -> datetime:
    return match.kickoff or _EARLIEST


def _in_kickoff_order(matches: Sequence[MatchResult]) -> list[MatchResult]:
    try:
        return sorted(matches, key=_ORDER)
    except TypeError:  # some kickoffs are unknown
        return sorted(matches, key=_order_with_unknown_kickoffs)


def compute_standings(
    rules: Rules,
    teams: Sequence[TeamEntry],
    matches: Sequence[MatchResult],
    adjustments: Mapping[str, int] | None = None,
    zones: Sequence[Zone] = (),
) -> tuple[Table, ...]:
    """One table per group (ordered by group name), or one table when no team has a group.

    `adjustments` maps a team id to points added to its total (negative: a deduction). Matches
    without a score are remaining fixtures: they only feed the zone statuses. A match counts for
    the group of its teams, which must be the same, and the match's own group when it has one
    (ignored when no team has a group).
    """
    groups = _groups(teams)
    for zone in zones:
        if zone.group is not None and zone.group not in groups:
            known = ", ".join(repr(group) for group in groups if group) or "none"
            raise InvalidInput(f"zone {zone} names a group that is not here (groups: {known})")
    adjustments = adjustments or {}
    for team in adjustments:
        if all(entry.id != team for entry in teams):
            raise InvalidInput(f"a point adjustment names {team!r}, which is not a team here")
    ordered = _in_kickoff_order(matches)
    if len(groups) == 1:
        (group,) = groups
        # A match's group is checked where teams have groups; in a league it has no meaning.
        stray = set(map(_GROUP, ordered)) - {None, group} if group is not None else ()
        if stray:
            raise InvalidInput(f"a match of {min(stray)!r} is not between teams of that group")
        table = _table(
            rules, group=group, teams=teams, matches=ordered, adjustments=adjustments, zones=zones
        )
        return (table,)
    by_group: dict[str | None, list[MatchResult]] = {group: [] for group in groups}
    group_of = {entry.id: entry.group for entry in teams}
    for match in ordered:
        home_group = _group_of(group_of, match.home)
        away_group = _group_of(group_of, match.away)
        if home_group != away_group:
            raise InvalidInput(
                f"{match.home!r} ({home_group}) and {match.away!r} ({away_group}) are not in the"
                " same group"
            )
        if match.group is not None and match.group != home_group:
            raise InvalidInput(
                f"a match of {match.group!r} has {match.home!r}, who plays in {home_group!r}"
            )
        by_group[home_group].append(match)
    return tuple(
        _table(
            rules,
            group=group,
            teams=[entry for entry in teams if entry.group == group],
            matches=by_group[group],
            adjustments=adjustments,
            zones=zones,
        )
        for group in groups
    )


def _groups(teams: Sequence[TeamEntry]) -> list[str | None]:
    ids = [entry.id for entry in teams]
    if len(set(ids)) != len(ids):
        duplicate = next(team for team in ids if ids.count(team) > 1)
        raise InvalidInput(f"team {duplicate!r} is listed twice")
    groups = {entry.group for entry in teams} or {None}
    if len(groups) > 1 and None in groups:
        loose = next(entry.id for entry in teams if entry.group is None)
        raise InvalidInput(f"team {loose!r} has no group while others have one")
    return sorted(groups, key=lambda group: group or "")


def _group_of(group_of: Mapping[str, str | None], team: str) -> str | None:
    try:
        return group_of[team]
    except KeyError:
        raise InvalidInput(f"a match names {team!r}, which is not a team here") from None


def compute_divisions(
    rules: Rules,
    teams: Sequence[TeamEntry],
    matches: Sequence[MatchResult],
    divisions: Mapping[str, Sequence[str]],
    *,
    adjustments: Mapping[str, int] | None = None,
    zones: Sequence[Zone] = (),
) -> tuple[Table, ...]:
    """The league's table, then one table per division (the MLS's conferences), each ranking
    its members over all of their matches, including those against the other divisions.

    Zones naming a division apply to its table; zones naming none, to the league's.
    """
    adjustments = adjustments or {}
    known = {entry.id for entry in teams}
    placed: dict[str, str] = {}
    for name, members in divisions.items():
        for team in members:
            if team not in known:
                raise InvalidInput(f"division {name!r} names {team!r}, which is not a team here")
            if team in placed:
                raise InvalidInput(f"{team!r} is in both {placed[team]!r} and {name!r}")
            placed[team] = name
    for zone in zones:
        if zone.group is not None and zone.group not in divisions:
            raise InvalidInput(f"zone {zone} names no division (divisions: {', '.join(divisions)})")
    league = [entry._replace(group=None) for entry in teams]
    ordered = _in_kickoff_order([match._replace(group=None) for match in matches])
    overall = [zone for zone in zones if zone.group is None]
    tables = [
        _table(
            rules, group=None, teams=league, matches=ordered, adjustments=adjustments, zones=overall
        )
    ]
    index = {entry.id: position for position, entry in enumerate(league)}
    for name, members in divisions.items():
        tables.append(
            _table(
                rules,
                group=name,
                teams=league,
                matches=ordered,
                adjustments=adjustments,
                zones=[zone for zone in zones if zone.group == name],
                members=[index[team] for team in members],
            )
        )
    return tuple(tables)


def _table(
    rules: Rules,
    *,
    group: str | None,
    teams: Sequence[TeamEntry],
    matches: Sequence[MatchResult],
    adjustments: Mapping[str, int],
    zones: Sequence[Zone],
    members: Sequence[int] | None = None,
) -> Table:
    index = {entry.id: position for position, entry in enumerate(teams)}
    stats = TableStats(rules, index, matches, [adjustments.get(entry.id, 0) for entry in teams])
    table_zones = [zone for zone in zones if zone.applies_to(group)]
    size = len(teams) if members is None else len(members)
    for zone in table_zones:
        if zone.last > size:
            where = f"the {size} teams of {group}" if group else f"the {size} teams"
            raise InvalidInput(f"zone {zone} goes past {where}")
    relegation_tops = frozenset(zone.first - 1 for zone in table_zones if "relegation" in zone.name)
    names = [entry.name for entry in teams]
    ids = [entry.id for entry in teams]
    ranking = rank(rules, stats, names, ids, relegation_tops, members=members)
    statuses = _statuses(rules, stats, ranking, table_zones) if table_zones else None
    form = stats.form()
    rows = []
    last = len(ranking.order) - 1
    for position, team in enumerate(ranking.order):
        won, drawn, lost = stats.won[team], stats.drawn[team], stats.lost[team]
        scored, conceded = stats.goals_for[team], stats.goals_against[team]
        rows.append(
            StandingsRow(
                position=position + 1,
                team=ids[team],
                name=names[team],
                played=won + drawn + lost,
                won=won,
                drawn=drawn,
                lost=lost,
                goals_for=scored,
                goals_against=conceded,
                goal_difference=scored - conceded,
                points=stats.points[team],
                form=form[team],
                decided_by=ranking.separators[position] if position < last else None,
                tied=ranking.tied[team],
                zone=current_zone(position + 1, table_zones) if table_zones else None,
                zones=statuses[team] if statuses is not None else _NO_ZONES,
            )
        )
    return Table(group, tuple(rows))


def _statuses(
    rules: Rules, stats: TableStats, ranking: Ranking, zones: Sequence[Zone]
) -> list[Mapping[str, ZoneStatus]]:
    if stats.fixtures:
        remaining = [0] * stats.size
        for home, away in stats.fixtures:
            remaining[home] += 1
            remaining[away] += 1
        most = max(rules.win, rules.draw, rules.loss)
        least = min(rules.win, rules.draw, rules.loss)
        # Only the table's own teams compete for its positions (a division's members).
        members = sorted(ranking.order)
        worst = [stats.points[t] + remaining[t] * least for t in members]
        best = [stats.points[t] + remaining[t] * most for t in members]
        bounds = [(0, 0)] * stats.size
        for team, bound in zip(members, position_bounds(worst, best), strict=True):
            bounds[team] = bound
    else:
        bounds = _final_bounds(ranking, stats.size)
    return [
        # Statuses are ZoneStatus members already: wrap without `frozen_zones`' conversion.
        MappingProxyType({zone.name: status_from_bounds(zone, best, worst) for zone in zones})
        for best, worst in bounds
    ]


def _final_bounds(ranking: Ranking, size: int) -> list[tuple[int, int]]:
    """Final positions; rows left tied share the span of their tied run."""
    bounds = [(0, 0)] * size
    start = 0
    for position in range(len(ranking.order)):
        last = position == len(ranking.order) - 1
        if last or ranking.separators[position] not in _UNRESOLVED:
            for member in ranking.order[start : position + 1]:
                bounds[member] = (start + 1, position + 1)
            start = position + 1
    return bounds
