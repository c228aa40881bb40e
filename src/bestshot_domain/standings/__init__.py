"""The standings engine: league tables from results, with each competition's tie-break rules.

Pure functions over frozen values: `compute_standings(rules, teams, matches, adjustments, zones)`
returns one `Table` per group. Rules come from `preset(name)` (see `presets.py` for the
competitions and their regulations) or are built from the criteria in `rules.py`.
"""

from bestshot_domain.standings.cards import Cards
from bestshot_domain.standings.engine import compute_standings
from bestshot_domain.standings.inputs import MatchResult, TeamEntry
from bestshot_domain.standings.presets import PRESETS, preset
from bestshot_domain.standings.rules import (
    Criterion,
    Discipline,
    H2HStat,
    HeadToHead,
    Overall,
    PlayOffForTitleOrRelegation,
    Rules,
    Stat,
    Unresolved,
    with_points,
)
from bestshot_domain.standings.table import StandingsRow, Table
from bestshot_domain.standings.zones import Zone, ZoneStatus, parse_zones

__all__ = [
    "PRESETS",
    "Cards",
    "Criterion",
    "Discipline",
    "H2HStat",
    "HeadToHead",
    "MatchResult",
    "Overall",
    "PlayOffForTitleOrRelegation",
    "Rules",
    "StandingsRow",
    "Stat",
    "Table",
    "TeamEntry",
    "Unresolved",
    "Zone",
    "ZoneStatus",
    "compute_standings",
    "parse_zones",
    "preset",
    "with_points",
]
