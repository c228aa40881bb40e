"""What a tournament's tables are computed from, read from PostgreSQL in one statement."""

from __future__ import annotations

import json
from typing import Any

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

# The tournament with its small lists and its matches, in one statement. Each small list is a
# JSON array of arrays ordered as its own repository method orders it. The matches come in the
# shapes the tables take (`tables.table_matches`, whose rule this follows), each an array of
# anonymous records (tuples to asyncpg) in kickoff order: the results that can count (of no
# knockout round, not cancelled), only with what the engine takes (the score only once decided)
# and each side's cards; and the knockout rounds' matches, with TABLE_MATCH_COLUMNS.
# The knockout rounds are found once (`k`), not joined to every match: on a fresh database, before
# its statistics, that join was planned as a loop over the season's matches and cost more than
# the rest of the statement.
# The revision is read in the same statement as the inputs: a snapshot is never stamped with a
# revision its inputs are older than.
# $2: cancelled, $3: the decided statuses, $4: the knockout kind.
_INPUTS = """
SELECT t.id, t.label, t.provider, t.reference, t.rules, t.timezone, t.zones, t.season,
    t.fallback_provider, t.fallback_reference, t.verify, t.standings_revision,
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
                m.home, m.away,
                CASE WHEN m.status = ANY ($3::text[]) THEN m.home_score END,
                CASE WHEN m.status = ANY ($3::text[]) THEN m.away_score END,
                m.kickoff,
                hd.yellow, hd.second_yellow_red, hd.red, hd.yellow_and_red,
                ad.yellow, ad.second_yellow_red, ad.red, ad.yellow_and_red)
                      ORDER BY m.kickoff, m.key COLLATE "C")
     FROM matches m
     LEFT JOIN match_discipline hd ON hd.match_key = m.key AND hd.team = m.home
     LEFT JOIN match_discipline ad ON ad.match_key = m.key AND ad.team = m.away
     WHERE m.tournament_id = t.id AND m.status <> $2
         AND NOT (m.round_slug = ANY (k.slugs))) AS results,
    (SELECT array_agg(ROW(
                m.key, m.round_slug, m.home, m.away, m.status, m.kickoff, m.home_score,
                m.away_score, m.ended, m.shootout_home, m.shootout_away)
                      ORDER BY m.kickoff, m.key COLLATE "C")
     FROM matches m
     WHERE m.tournament_id = t.id AND m.round_slug = ANY (k.slugs)) AS knockout
FROM tournaments t,
    LATERAL (SELECT coalesce(array_agg(r.slug), '{}') AS slugs
             FROM rounds r WHERE r.tournament_id = t.id AND r.kind = $4) k
WHERE t.id = $1
"""
_DECIDED = sorted(status.value for status in DECIDED)


def _cards(yellow: int | None, *others: int) -> Cards | None:
    return None if yellow is None else Cards(yellow, *others)


def _result(record: tuple[Any, ...]) -> MatchResult:
    home, away, home_goals, away_goals, kickoff, *cards = record
    return MatchResult(
        home, away, home_goals, away_goals, kickoff, _cards(*cards[:4]), _cards(*cards[4:])
    )


async def read_inputs(db: Executor, tournament_id: TournamentId) -> StandingsInputs:
    """`StandingsRepository.inputs` over one connection."""
    with storage_errors():
        row = await db.fetchrow(
            _INPUTS,
            tournament_id,
            MatchStatus.CANCELLED.value,
            _DECIDED,
            RoundKind.KNOCKOUT.value,
        )
    if row is None:
        raise NotFound(f"tournament {tournament_id!r} not found")
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
        results=tuple(map(_result, row["results"] or ())),
        knockout=tuple(map(table_match_from_row, row["knockout"] or ())),
        adjustments=tuple(
            PointAdjustment(tournament_id, team, points, reason)
            for team, points, reason in json.loads(row["adjustments"])
        ),
        revision=row["standings_revision"],
    )
