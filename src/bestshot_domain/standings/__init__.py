"""The standings engine: league tables from results, with each competition's tie-break rules.

Pure functions over frozen values: `compute_standings(rules, teams, matches, adjustments, zones)`
returns one `Table` per group. Rules come from `preset(name)` (see `presets.py` for the
competitions and their regulations) or are built from the criteria in `rules.py`.
"""

from bestshot_domain.standings.cards import Cards
from bestshot_domain.standings.competitions import (
    ALIASES,
    COMPETITIONS,
    PRESETS,
    competition,
    preset,
)
from bestshot_domain.standings.engine import compute_divisions, compute_standings
from bestshot_domain.standings.eras import Competition, Era, Season, ThirdPlaceRule, parse_season
from bestshot_domain.standings.inputs import MatchResult, TeamEntry
from bestshot_domain.standings.knockout import (
    KnockoutMatch,
    KnockoutRound,
    Tie,
    is_knockout_round,
    knockout,
    progress,
)
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
from bestshot_domain.standings.thirds import THIRDS, third_placed
from bestshot_domain.standings.zones import Zone, ZoneStatus, parse_zones

__all__ = [
    "ALIASES",
    "COMPETITIONS",
    "PRESETS",
    "THIRDS",
    "Cards",
    "Competition",
    "Criterion",
    "Discipline",
    "Era",
    "H2HStat",
    "HeadToHead",
    "KnockoutMatch",
    "KnockoutRound",
    "MatchResult",
    "Overall",
    "PlayOffForTitleOrRelegation",
    "Rules",
    "Season",
    "StandingsRow",
    "Stat",
    "Table",
    "TeamEntry",
    "ThirdPlaceRule",
    "Tie",
    "Unresolved",
    "Zone",
    "ZoneStatus",
    "competition",
    "compute_divisions",
    "compute_standings",
    "is_knockout_round",
    "knockout",
    "parse_season",
    "parse_zones",
    "preset",
    "progress",
    "third_placed",
    "with_points",
]
