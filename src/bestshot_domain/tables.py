"""A tournament's tables from what is stored: the bridge from the model to the standings engine."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from importlib import metadata

from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import (
    Cards,
    Ending,
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
    Era,
    KnockoutMatch,
    MatchResult,
    Table,
    TeamEntry,
    Zone,
    competition,
    compute_standings,
    knockout,
    parse_zones,
    progress,
    third_placed,
)

# Raise it with every change that makes the engine (this module, `standings`, the rules presets)
# compute other tables from the same inputs: a tie-break fixed, a preset corrected, a row given
# a new field. Stored tables made by another engine are then computed again at their next
# update rather than taken as current (`StandingsStatus.reusable`). A new release does that too,
# through the package version, but a deploy of the same version would not.
ENGINE_EDITION = 4  # 3: the era of the tournament's season; the third-placed teams' table
# 4: the knockout rounds' ties and each team's progress; the thirds' qualification status and
# the World Cup 2026 slots


def era_of(tournament: Tournament) -> Era:
    """The era of the tournament's rules in force in its season: the era a suffixed preset
    fixes, else the current one when the season is not known."""
    league, fixed = competition(tournament.rules)
    if fixed is not None:
        return fixed
    if tournament.season is None:
        return league.current
    return league.era(league.parse_season(tournament.season))


def import_season(rules: str, given: str | None, kickoffs: Iterable[datetime | None]) -> str | None:
    """The season a tournament imported with `rules` plays: `given`, in its competition's form
    (`1995-96`, `2023`), else the season of its earliest kickoff, as `bestshot table` reads it;
    None without either. InvalidInput for an unknown preset or a malformed season."""
    league, _ = competition(rules)
    if given is not None:
        return str(league.parse_season(given))
    days = [kickoff.date() for kickoff in kickoffs if kickoff is not None]
    return str(league.season_of(min(days))) if days else None


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
    """Every table of `tournament` as of `at`: `snapshot_of` over the matches split by
    `table_matches`."""
    results, legs = table_matches(tournament, rounds, matches, discipline)
    return snapshot_of(
        tournament,
        members=members,
        teams=teams,
        rounds=rounds,
        results=results,
        legs=legs,
        adjustments=adjustments,
        at=at,
        revision=revision,
    )


def table_matches(
    tournament: Tournament,
    rounds: Sequence[Round],
    matches: Sequence[TableMatch],
    discipline: Sequence[MatchDiscipline],
) -> tuple[tuple[MatchResult, ...], tuple[TableMatch, ...]]:
    """The matches in the shapes the tables take, in the given order: those that can count for
    a table (of no knockout round, not cancelled) as the engine's results, each side with a
    score only once decided, and with its cards when the rules of the tournament's season count
    them (`Era.counts_cards`); and the matches of the knockout rounds.
    (`StandingsRepository.inputs` reads them in these shapes; this is the rule it follows.)"""
    knockout_rounds = {r.slug for r in rounds if r.kind is RoundKind.KNOCKOUT}
    cards: dict[tuple[MatchKey, TeamKey], Cards] = (
        {(record.match, record.team): record.cards for record in discipline}
        if era_of(tournament).counts_cards
        else {}
    )
    results = tuple(
        _result(match, cards)
        for match in matches
        if match.round_slug not in knockout_rounds and match.status is not MatchStatus.CANCELLED
    )
    return results, tuple(match for match in matches if match.round_slug in knockout_rounds)


def snapshot_of(
    tournament: Tournament,
    *,
    members: Sequence[Membership],
    teams: Mapping[TeamKey, Team],
    rounds: Sequence[Round],
    results: Sequence[MatchResult],
    legs: Sequence[TableMatch],
    adjustments: Sequence[PointAdjustment],
    at: datetime,
    revision: int,
    previous: StandingsSnapshot | None = None,
) -> StandingsSnapshot:
    """Every table of `tournament` as of `at`, with the rules of its season's era and its zones
    (and the third-placed teams' ranking where the era has one), stamped with the
    standings revision the inputs were read at and the engine's fingerprint.

    Finished and awarded matches count with their score for the table; matches still to be
    played (scheduled, live, postponed, suspended) are remaining fixtures, which only decide
    which zones are still open; cancelled ones do not exist for the table. Knockout rounds never
    count, nor do matches of teams outside the tournament's membership or across two groups
    (`results` and the knockout `legs` as `table_matches` makes them). Adjustments are summed
    per member team. A group's table is taken from `previous` (the last stored tables) when
    what it is computed from is what that one was computed from: the same answer as computing it
    again, for the cost of a digest.
    """
    era = era_of(tournament)
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
    counted = [
        result
        for result in results
        if result.home in group_of
        and result.away in group_of
        and group_of[result.home] == group_of[result.away]
    ]
    points: defaultdict[TeamKey, int] = defaultdict(int)
    for adjustment in adjustments:
        if adjustment.team in group_of:
            points[adjustment.team] += adjustment.points
    tables, digests = _tables(
        tournament,
        era,
        entries=entries,
        counted=counted,
        points=dict(points),
        zones=zones,
        previous=previous,
    )
    grouped = [table for table in tables if table.group is not None]
    if era.thirds is not None and len(grouped) > 1:
        thirds = third_placed(era.thirds, grouped, counted, rules=era.rules)
        tables = (*tables, thirds) if thirds.rows else tables
    bracket = knockout(knockout_matches(rounds, legs), away_goals=era.away_goals)
    reached = progress(bracket, [member.team for member in members]) if bracket else {}
    return StandingsSnapshot(
        tournament.id,
        tournament.rules,
        at,
        tables,
        revision,
        engine_fingerprint(),
        bracket,
        reached,
        digests,
    )


def _tables(
    tournament: Tournament,
    era: Era,
    *,
    entries: Sequence[TeamEntry],
    counted: Sequence[MatchResult],
    points: Mapping[TeamKey, int],
    zones: Sequence[Zone],
    previous: StandingsSnapshot | None,
) -> tuple[tuple[Table, ...], dict[str, str]]:
    """`compute_standings`, each group's table taken from `previous` where the digest of its
    inputs is the one `previous` was computed from; the digests of the tables made now (none
    without groups). What a group's table is computed from: its teams, its matches, their
    teams' adjustments, the zones, the rules, their season and the engine (`_digest`); with
    the same groups as before, a zone valid then is valid now."""
    groups = sorted({entry.group for entry in entries}, key=lambda group: group or "")
    if len(groups) < 2 or None in groups:
        return compute_standings(era.rules, entries, counted, points, zones), {}
    group_of = {entry.id: entry.group for entry in entries}
    teams: defaultdict[str, list[TeamEntry]] = defaultdict(list)
    matches: defaultdict[str, list[MatchResult]] = defaultdict(list)
    for entry in entries:
        teams[str(entry.group)].append(entry)
    for result in counted:
        matches[str(group_of[result.home])].append(result)
    digests = {
        group: _digest(tournament, group, teams[group], matches[group], points)
        for group in map(str, groups)
    }
    kept = _kept(previous, digests)
    if not kept:
        return compute_standings(era.rules, entries, counted, points, zones), digests
    changed = [group for group in digests if group not in kept]
    fresh = iter(
        compute_standings(
            era.rules,
            [entry for group in changed for entry in teams[group]],
            [result for group in changed for result in matches[group]],
            {team: add for team, add in points.items() if group_of[team] in changed},
            [zone for zone in zones if zone.group is None or zone.group in changed],
        )
        if changed
        else ()
    )
    return tuple(kept[group] if group in kept else next(fresh) for group in digests), digests


def _kept(previous: StandingsSnapshot | None, digests: Mapping[str, str]) -> dict[str, Table]:
    """The group tables of `previous` still current: none unless it had the same groups."""
    if previous is None or previous.digests.keys() != digests.keys():
        return {}
    stored = previous.tables[: len(digests)]  # the groups' tables come first, in group order
    if [table.group for table in stored] != list(digests):
        return {}
    return {
        table.group: table
        for table in stored
        if table.group is not None and previous.digests[table.group] == digests[table.group]
    }


def _digest(
    tournament: Tournament,
    group: str,
    teams: Sequence[TeamEntry],
    matches: Sequence[MatchResult],
    points: Mapping[TeamKey, int],
) -> str:
    inputs = (
        engine_fingerprint(),
        tournament.rules,
        tournament.season,
        tournament.zones,
        group,
        [(entry.id, entry.name, points.get(entry.id, 0)) for entry in teams],
        matches,  # in the order given: the engine's order of matches with the same kickoff
    )
    return hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()


def knockout_matches(rounds: Sequence[Round], matches: Sequence[TableMatch]) -> list[KnockoutMatch]:
    """The matches of the knockout rounds, each in its round's label, as the bracket sees them.

    The stored score is the final one (after extra time, when there was some) and the shoot-out
    is kept apart; a match not yet decided (scheduled, live, postponed, suspended) leaves its
    tie open, and a cancelled one is no leg at all."""
    labels = {r.slug: r.label for r in rounds if r.kind is RoundKind.KNOCKOUT}
    legs = []
    for match in matches:
        label = labels.get(match.round_slug)
        if label is None or match.status is MatchStatus.CANCELLED:
            continue
        score = match.score if match.status in DECIDED else None
        goals = None if score is None else (score.home, score.away)
        extra = goals is not None and match.ended in (Ending.EXTRA_TIME, Ending.PENALTIES)
        shootout = match.shootout
        legs.append(
            KnockoutMatch(
                label,
                match.home,
                match.away,
                None if extra else goals,
                goals if extra else None,
                None if shootout is None or goals is None else (shootout.home, shootout.away),
                match.kickoff,
            )
        )
    return legs


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
