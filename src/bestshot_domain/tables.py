"""A tournament's tables from what is stored: the bridge from the model to the standings engine."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib import metadata

from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import (
    Cards,
    MatchDiscipline,
    MatchKey,
    MatchStatus,
    Membership,
    PointAdjustment,
    Round,
    RoundKind,
    StandingsSnapshot,
    TableMatch,
    Team,
    TeamKey,
    Tournament,
)
from bestshot_domain.standings import (
    MatchResult,
    TeamEntry,
    compute_standings,
    parse_zones,
    preset,
)

# Raise it with every change that makes the engine (this module, `standings`, the rules presets)
# compute other tables from the same inputs: a tie-break fixed, a preset corrected, a row given
# a new field. Stored tables made by another engine are then computed again at their next
# update rather than taken as current (`StandingsStatus.reusable`). A new release does that too,
# through the package version, but a deploy of the same version would not.
ENGINE_EDITION = 2


@functools.cache
def engine_fingerprint() -> str:
    """Which engine computes the tables: the package's version and `ENGINE_EDITION`."""
    try:
        version = metadata.version("bestshot")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        version = "unknown"
    return f"bestshot {version}, engine edition {ENGINE_EDITION}"


def compute_snapshot(
    tournament: Tournament,
    *,
    members: Sequence[Membership],
    teams: Mapping[TeamKey, Team],
    rounds: Sequence[Round],
    matches: Sequence[TableMatch],
    adjustments: Sequence[PointAdjustment],
    discipline: Sequence[MatchDiscipline],
    at: datetime,
    revision: int,
) -> StandingsSnapshot:
    """Every table of `tournament` as of `at`, with its rules preset and zones, stamped with the
    standings revision the inputs were read at and the engine's fingerprint.

    Finished and awarded matches count with their score for the table; matches still to be
    played (scheduled, live, postponed, suspended) are remaining fixtures, which only decide
    which zones are still open; cancelled ones do not exist for the table. Knockout rounds never
    count, nor do matches of teams outside the tournament's membership or across two groups.
    Adjustments are summed per member team.
    """
    rules = preset(tournament.rules)
    zones = parse_zones(tournament.zones)
    group_of = {member.team: member.group for member in members}
    entries = [
        TeamEntry(
            member.team,
            teams[member.team].name if member.team in teams else member.team,
            member.group,
        )
        for member in members
    ]
    knockout = {r.slug for r in rounds if r.kind is RoundKind.KNOCKOUT}
    cards: dict[tuple[MatchKey, TeamKey], Cards] = {
        (record.match, record.team): record.cards for record in discipline
    }
    results = [
        _result(match, cards)
        for match in matches
        if match.round_slug not in knockout
        and match.status is not MatchStatus.CANCELLED
        and match.home in group_of
        and match.away in group_of
        and group_of[match.home] == group_of[match.away]
    ]
    points: defaultdict[TeamKey, int] = defaultdict(int)
    for adjustment in adjustments:
        if adjustment.team in group_of:
            points[adjustment.team] += adjustment.points
    tables = compute_standings(rules, entries, results, dict(points), zones)
    return StandingsSnapshot(
        tournament.id, tournament.rules, at, tables, revision, engine_fingerprint()
    )


def _result(match: TableMatch, cards: Mapping[tuple[MatchKey, TeamKey], Cards]) -> MatchResult:
    score = match.score if match.status in DECIDED else None
    return MatchResult(
        home=match.home,
        away=match.away,
        home_goals=None if score is None else score.home,
        away_goals=None if score is None else score.away,
        kickoff=match.kickoff,
        home_cards=cards.get((match.key, match.home)) if cards else None,
        away_cards=cards.get((match.key, match.away)) if cards else None,
    )
