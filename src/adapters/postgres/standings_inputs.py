"""What a tournament's tables are computed from, read from PostgreSQL in one statement (alone, or
with the tournament's standings status: `standings.PostgresStandingsRepository.current`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.postgres.codec import table_match_from_row, tournament_from_row
from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor
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
    Team,
    TournamentId,
)
from bestshot_domain.standings.inputs import MatchResult

# The tournament's columns and its inputs over `tournaments t` ($1 its id). Each small list is a
# JSON array of arrays ordered as its own repository method orders it. The matches come in the
# shapes the tables take (`tables.table_matches`, whose rule this follows), each an array of
# anonymous records (tuples to asyncpg) in kickoff order: the results that can count (of no
# knockout round, not cancelled), with only what the engine takes (the score only once decided);
# the cards of the tournament's matches apart (most tournaments have none: no lookup per match);
# and the knockout rounds' matches, with TABLE_MATCH_COLUMNS. The knockout rounds are found
# once, not joined to every match: on a fresh database, before its statistics, that join was
# planned as a loop over the season's matches and cost more than the rest of the statement.
# $2: cancelled, $3: the decided statuses, $4: the knockout kind.
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
     FROM point_adjustments a WHERE a.tournament_id = t.id)::text AS adjustments,
    (SELECT array_agg(ROW(
                m.key, m.home, m.away,
                CASE WHEN m.status = ANY ($3::text[]) THEN m.home_score END,
                CASE WHEN m.status = ANY ($3::text[]) THEN m.away_score END,
                m.kickoff)
                      ORDER BY m.kickoff, m.key COLLATE "C")
     FROM matches m
     WHERE m.tournament_id = t.id AND m.status <> $2
         AND NOT (m.round_slug = ANY (ARRAY(
             SELECT r.slug FROM rounds r WHERE r.tournament_id = $1 AND r.kind = $4)))) AS results,
    (SELECT array_agg(ROW(d.match_key, d.team, d.yellow, d.second_yellow_red, d.red,
                          d.yellow_and_red))
     FROM match_discipline d
     WHERE d.match_key IN (SELECT m.key FROM matches m WHERE m.tournament_id = t.id)) AS cards,
    (SELECT array_agg(ROW(
                m.key, m.round_slug, m.home, m.away, m.status, m.kickoff, m.home_score,
                m.away_score, m.ended, m.shootout_home, m.shootout_away)
                      ORDER BY m.kickoff, m.key COLLATE "C")
     FROM matches m
     WHERE m.tournament_id = t.id AND m.round_slug = ANY (ARRAY(
         SELECT r.slug FROM rounds r WHERE r.tournament_id = $1 AND r.kind = $4))) AS knockout
"""
# The revision is read in the same statement as the inputs: a snapshot is never stamped with a
# revision its inputs are older than.
_INPUTS = (
    "SELECT t.standings_revision, "  # noqa: S608 - constants only
    + INPUT_COLUMNS
    + " FROM tournaments t WHERE t.id = $1"
)
DECIDED_VALUES = sorted(status.value for status in DECIDED)
INPUT_ARGUMENTS = (MatchStatus.CANCELLED.value, DECIDED_VALUES, RoundKind.KNOCKOUT.value)


async def read_inputs(db: Executor, tournament_id: TournamentId) -> StandingsInputs:
    """`StandingsRepository.inputs` over one connection."""
    with storage_errors():
        row = await db.fetchrow(_INPUTS, tournament_id, *INPUT_ARGUMENTS)
    if row is None:
        raise NotFound(f"tournament {tournament_id!r} not found")
    return inputs_from_row(tournament_id, row, row["standings_revision"])


def inputs_from_row(
    tournament_id: TournamentId, row: asyncpg.Record, revision: int
) -> StandingsInputs:
    """The inputs in a row of INPUT_COLUMNS, read at `revision`."""
    members = json.loads(row["members"])
    teams = (
        Team(provider, external_id, name, code)
        for _, _, provider, external_id, name, code in members
        if provider is not None  # as get_many: a key with no team is left out
    )
    return StandingsInputs(
        tournament=tournament_from_row(row),
        members=tuple(Membership(tournament_id, team, group) for team, group, *_ in members),
        teams={team.key: team for team in teams},
        rounds=tuple(
            Round(tournament_id, slug, label, order, RoundKind(kind), reference)
            for slug, label, order, kind, reference in json.loads(row["rounds"])
        ),
        results=_results(row["results"] or (), row["cards"] or ()),
        knockout=tuple(map(table_match_from_row, row["knockout"] or ())),
        adjustments=tuple(
            PointAdjustment(tournament_id, team, points, reason)
            for team, points, reason in json.loads(row["adjustments"])
        ),
        revision=revision,
    )


def _results(
    results: Sequence[tuple[Any, ...]], discipline: Sequence[tuple[Any, ...]]
) -> tuple[MatchResult, ...]:
    if not discipline:
        return tuple(MatchResult(*result[1:]) for result in results)
    cards = {(match, team): Cards(*counts) for match, team, *counts in discipline}
    return tuple(
        MatchResult(
            home,
            away,
            home_goals,
            away_goals,
            kickoff,
            cards.get((key, home)),
            cards.get((key, away)),
        )
        for key, home, away, home_goals, away_goals, kickoff in results
    )
