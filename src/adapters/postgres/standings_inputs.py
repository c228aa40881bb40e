"""What a tournament's tables are computed from, read from PostgreSQL in two statements (the first
one alone, or with the standings status: `standings.PostgresStandingsRepository.current`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import asyncpg

from adapters.postgres.codec import table_match_from_row, tournament_from_row
from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor
from adapters.postgres.season_cache import (
    DATABASE,
    Kickoffs,
    Season,
    entry_of,
    forget,
    keep,
)
from bestshot_domain.errors import NotFound
from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import (
    Cards,
    MatchStatus,
    Membership,
    PointAdjustment,
    Round,
    RoundKind,
    StandingsInputs,
    TableMatch,
    Team,
    TeamKey,
    TournamentId,
)
from bestshot_domain.standings.inputs import MatchResult
from bestshot_domain.tables import era_of

# The tournament's columns and its small lists over `tournaments t` ($1 its id), each list a
# JSON array of arrays ordered as its own repository method orders it; the matches follow in a
# second statement (`_MATCHES`).
INPUT_COLUMNS = """
    t.id, t.label, t.provider, t.reference, t.rules, t.timezone, t.zones, t.season,
    t.fallback_provider, t.fallback_reference, t.verify,
    (SELECT coalesce(json_agg(json_build_array(m.team, m.group_name, tm.provider, tm.external_id,
                                               tm.name, tm.code)
                              ORDER BY m.group_name COLLATE "C" NULLS LAST, m.team COLLATE "C"),
                     '[]')
     FROM memberships m LEFT JOIN teams tm ON tm.key = m.team
     WHERE m.tournament_id = t.id)::text AS members,
    (SELECT coalesce(json_agg(json_build_array(r.slug, r.label, r.ordinal, r.kind, r.reference)
                              ORDER BY r.ordinal, r.slug COLLATE "C"), '[]')
     FROM rounds r WHERE r.tournament_id = t.id)::text AS rounds,
    (SELECT coalesce(json_agg(json_build_array(a.team, a.points, a.reason)
                              ORDER BY a.team COLLATE "C", a.reason COLLATE "C"), '[]')
     FROM point_adjustments a WHERE a.tournament_id = t.id)::text AS adjustments
"""
# Where a season read with these columns could be kept from: the database, and whether the
# reading transaction has written nothing yet (so that all it reads is committed: a season read
# with a transaction's own writes would outlive their rollback).
SEASON_KEPT_FROM = f"""{DATABASE} AS season_database,
    pg_current_xact_id_if_assigned() IS NULL AS season_committed"""
# The revision is read before the matches: inputs read after it are at least as new, so that a
# snapshot is never stamped with a revision its inputs are older than.
_INPUTS = (
    "SELECT t.standings_revision, "  # noqa: S608 - constants only
    + INPUT_COLUMNS
    + f", {SEASON_KEPT_FROM} FROM tournaments t WHERE t.id = $1"
)

# The matches in the shapes the tables take (`tables.table_matches`, whose rule this follows), in
# kickoff order: each match of a knockout round flagged, with the columns of TABLE_MATCH_COLUMNS;
# every other one that is not cancelled (it can count for a table), with each side's cards only
# where the rules count them (`_WITH_CARDS`): most leagues' do not, and the two joins cost a
# third of the statement. The kickoff travels as microseconds since the epoch: asyncpg's
# timestamptz decoding was another third, and a season has only a few dozen distinct kickoffs
# (`season_cache.Kickoffs`). The knockout rounds are found once (`k`), not joined to every
# match: on a fresh database, before its statistics, that join was planned as a loop over the
# season and cost more than the rest. (Rows, not arrays of records: PostgreSQL spends about
# twice as long sending those.) $2: cancelled, $3: the knockout kind.
_MATCHES = """
SELECT m.round_slug = ANY (k.slugs) AS knockout,
    m.key, m.round_slug, m.home, m.away, m.status,
    (extract(epoch FROM m.kickoff) * 1000000)::bigint AS kickoff,
    m.home_score, m.away_score, m.ended, m.shootout_home, m.shootout_away{cards}
FROM (SELECT ARRAY(SELECT r.slug FROM rounds r WHERE r.tournament_id = $1 AND r.kind = $3)
          AS slugs) k,
    matches m{joins}
WHERE m.tournament_id = $1 AND (m.status <> $2 OR m.round_slug = ANY (k.slugs))
ORDER BY m.kickoff, m.key COLLATE "C"
"""
_WITHOUT_CARDS = _MATCHES.format(cards="", joins="")
_WITH_CARDS = _MATCHES.format(
    cards=""",
    hd.yellow, hd.second_yellow_red, hd.red, hd.yellow_and_red,
    ad.yellow, ad.second_yellow_red, ad.red, ad.yellow_and_red""",
    joins="""
LEFT JOIN match_discipline hd ON hd.match_key = m.key AND hd.team = m.home
LEFT JOIN match_discipline ad ON ad.match_key = m.key AND ad.team = m.away""",
)
_DECIDED = frozenset(status.value for status in DECIDED)

# The changes to the matches since the season this process keeps was read (`season_cache`), as
# JSON: [how many matches count for the tables now, [[counts, *the columns of _MATCHES], ...]]
# for the rows stamped above its revision ($4), from the database it was read from ($5) only;
# NULL without a season or the inputs (`i`: no row when the stored tables are current).
# $6: cancelled, $7: the knockout kind, as in _MATCHES.
SEASON_CHANGES = f"""
CASE WHEN i.id IS NOT NULL AND $4::bigint IS NOT NULL AND $5::text = {DATABASE} THEN (
    SELECT json_build_array(
        count(*) FILTER (WHERE m.status <> $6 OR m.round_slug = ANY (k.slugs)),
        coalesce(json_agg(json_build_array(
            m.status <> $6 OR m.round_slug = ANY (k.slugs), m.round_slug = ANY (k.slugs),
            m.key, m.round_slug, m.home, m.away, m.status,
            (extract(epoch FROM m.kickoff) * 1000000)::bigint,
            m.home_score, m.away_score, m.ended, m.shootout_home, m.shootout_away))
            FILTER (WHERE m.input_revision > $4), '[]'))
    FROM (SELECT ARRAY(SELECT r.slug FROM rounds r WHERE r.tournament_id = t.id AND r.kind = $7)
              AS slugs) k,
        matches m
    WHERE m.tournament_id = t.id
) END::text AS season_changes, {SEASON_KEPT_FROM}
"""  # noqa: S608 - constants


async def read_inputs(db: Executor, tournament_id: TournamentId) -> StandingsInputs:
    """`StandingsRepository.inputs` over one connection."""
    with storage_errors():
        row = await db.fetchrow(_INPUTS, tournament_id)
    if row is None:
        raise NotFound(f"tournament {tournament_id!r} not found")
    return await inputs_from_row(db, tournament_id, row, row["standings_revision"])


async def inputs_from_row(
    db: Executor,
    tournament_id: TournamentId,
    row: asyncpg.Record,
    revision: int,
    season: Season | None = None,
) -> StandingsInputs:
    """The inputs in a row of INPUT_COLUMNS, read at `revision`, with the tournament's matches:
    `season` brought up to date with the row's SEASON_CHANGES when it has them, else read now."""
    tournament = tournament_from_row(row)
    if era_of(tournament).counts_cards:
        # A match's cards are not in its row (`season_cache`): read whole, every time.
        results, knockout = await _read_with_cards(db, tournament_id)
    else:
        current = None
        if season is not None and revision < season.revision:
            # Committed revisions only go up: this database went back (a restore of its data
            # over a running process). What was kept of it says nothing now.
            forget(tournament_id)
        elif season is not None and row.get("season_changes") is not None:
            current = _brought_up_to_date(season, row, revision)
        if current is None:
            current = await _read_season(db, tournament_id, row, revision)
        if row["season_committed"]:
            keep(tournament_id, current)
        results, knockout = current.results, current.knockout
    members, teams = _members(tournament_id, row["members"])
    return StandingsInputs(
        tournament=tournament,
        members=members,
        teams=teams,
        rounds=_rounds(tournament_id, row["rounds"]),
        results=results,
        knockout=knockout,
        adjustments=_adjustments(tournament_id, row["adjustments"]),
        revision=revision,
    )


# The small lists are decoded once per text read: the same every time until they change, and
# what is decoded is immutable.
@functools.lru_cache(maxsize=256)
def _members(
    tournament_id: TournamentId, text: str
) -> tuple[tuple[Membership, ...], Mapping[TeamKey, Team]]:
    members = json.loads(text)
    teams = (
        Team(provider, external_id, name, code)
        for _, _, provider, external_id, name, code in members
        if provider is not None  # as get_many: a key with no team is left out
    )
    return (
        tuple(Membership(tournament_id, team, group) for team, group, *_ in members),
        MappingProxyType({team.key: team for team in teams}),
    )


@functools.lru_cache(maxsize=256)
def _rounds(tournament_id: TournamentId, text: str) -> tuple[Round, ...]:
    return tuple(
        Round(tournament_id, slug, label, order, RoundKind(kind), reference)
        for slug, label, order, kind, reference in json.loads(text)
    )


@functools.lru_cache(maxsize=256)
def _adjustments(tournament_id: TournamentId, text: str) -> tuple[PointAdjustment, ...]:
    return tuple(
        PointAdjustment(tournament_id, team, points, reason)
        for team, points, reason in json.loads(text)
    )


def _brought_up_to_date(season: Season, row: asyncpg.Record, revision: int) -> Season | None:
    if season.rounds != row["rounds"] or season.database != row["season_database"]:
        return None  # a round's kind may have changed which matches are a knockout's
    matches, changes = json.loads(row["season_changes"])
    return season.updated(revision, changes, matches)


async def _matches(db: Executor, statement: str, tournament_id: TournamentId) -> list[Any]:
    """The tournament's matches by `statement`: _WITHOUT_CARDS or _WITH_CARDS."""
    with storage_errors():
        return await db.fetch(
            statement, tournament_id, MatchStatus.CANCELLED.value, RoundKind.KNOCKOUT.value
        )


async def _read_season(
    db: Executor, tournament_id: TournamentId, row: asyncpg.Record, revision: int
) -> Season:
    matches = await _matches(db, _WITHOUT_CARDS, tournament_id)
    kickoffs = Kickoffs()
    return Season.of(
        row["season_database"],
        revision,
        row["rounds"],
        (entry_of(match, kickoffs) for match in matches),
    )


async def _read_with_cards(
    db: Executor, tournament_id: TournamentId
) -> tuple[tuple[MatchResult, ...], tuple[TableMatch, ...]]:
    matches = await _matches(db, _WITH_CARDS, tournament_id)
    kickoffs = Kickoffs()
    results, knockout = [], []
    for match in matches:
        kickoff = kickoffs[match[6]]
        if match[0]:
            knockout.append(table_match_from_row((*match[1:6], kickoff, *match[7:12])))
            continue
        decided = match[5] in _DECIDED
        results.append(
            MatchResult.checked(
                match[3],
                match[4],
                match[7] if decided else None,
                match[8] if decided else None,
                kickoff,
                _cards(*match[12:16]),
                _cards(*match[16:20]),
            )
        )
    return tuple(results), tuple(knockout)


def _cards(yellow: int | None, *others: int) -> Cards | None:
    return None if yellow is None else Cards(yellow, *others)
