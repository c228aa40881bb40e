"""Each team's position after every round of a season: the tables computed again from the
results of the rounds up to each one (the console's chart; README, "The console")."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import (
    MatchDiscipline,
    Round,
    RoundKind,
    StandingsInputs,
    TableMatch,
    TeamKey,
)
from bestshot_domain.standings import Zone, parse_zones
from bestshot_domain.tables import compute_snapshot


@frozen
class TeamPath:
    team: TeamKey
    name: str
    positions: tuple[int, ...]  # after each round of the series, in order


@frozen
class PositionSeries:
    """One table's history (a league's, or one group's): teams in their latest order."""

    group: str | None
    rounds: tuple[Round, ...]  # the league rounds with at least one result, in season order
    teams: tuple[TeamPath, ...]
    zones: tuple[Zone, ...]  # the zones of this table, as bands on the chart

    @property
    def size(self) -> int:
        return len(self.teams)


def positions_by_round(
    inputs: StandingsInputs,
    matches: Sequence[TableMatch],
    discipline: Sequence[MatchDiscipline] = (),
) -> tuple[PositionSeries, ...]:
    """The position of every member after each league round that has a result, table by table
    (the third-placed teams' ranking left out), from the tournament's `matches` (with their
    rounds: `inputs` has the engine's shapes, which have none) and their cards. Matches of
    later rounds do not exist yet for the table after a round, whatever their state now."""
    league: Sequence[Round] = sorted(
        (r for r in inputs.rounds if r.kind is RoundKind.LEAGUE), key=lambda r: (r.order, r.slug)
    )
    decided = {m.round_slug for m in matches if m.status in DECIDED}
    played = [r for r in league if r.slug in decided]
    # The rounds with a result so far, each with the matches of it and every round before it.
    order = {r.slug: index for index, r in enumerate(league)}
    histories: dict[str | None, dict[TeamKey, list[int]]] = {}
    names: dict[TeamKey, str] = {}
    latest: dict[str | None, list[TeamKey]] = {}
    for round_ in played:
        upto = order[round_.slug]
        so_far = [m for m in matches if order.get(m.round_slug, upto + 1) <= upto]
        snapshot = compute_snapshot(
            inputs.tournament,
            members=inputs.members,
            teams=inputs.teams,
            rounds=inputs.rounds,
            matches=so_far,
            adjustments=inputs.adjustments,
            discipline=discipline,
            at=max(m.kickoff for m in so_far),  # never empty: the round has a result
            revision=inputs.revision,
        )
        for table in snapshot.tables:
            if table.rows and table.rows[0].from_group is not None:
                continue  # the ranking across groups: its rows are in their groups' tables
            paths = histories.setdefault(table.group, {})
            for row in table.rows:
                paths.setdefault(row.team, []).append(row.position)
                names[row.team] = row.name
            latest[table.group] = [row.team for row in table.rows]
    zones = parse_zones(inputs.tournament.zones)
    return tuple(
        PositionSeries(
            group=group,
            rounds=tuple(played),
            teams=tuple(
                TeamPath(team, names[team], tuple(histories[group][team])) for team in latest[group]
            ),
            zones=tuple(zone for zone in zones if zone.applies_to(group)),
        )
        for group in histories
    )
