"""What a tournament's tables are computed from, read from PostgreSQL in two statements."""

from __future__ import annotations

import json

from adapters.postgres.codec import TABLE_MATCH_COLUMNS, table_match_from_row, tournament_from_row
from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor
from bestshot_domain.errors import NotFound
from bestshot_domain.model import (
    Cards,
    MatchDiscipline,
    Membership,
    PointAdjustment,
    Round,
    RoundKind,
    StandingsInputs,
    Team,
    TournamentId,
)

# The tournament and its small lists in one statement, each list a JSON array of arrays ordered
# as its own repository method orders it; the matches follow in a second one, as rows of only
# the columns a table needs. The revision is read in the first: inputs read after it are at least
# as new, so that a snapshot is never stamped with a revision its inputs are older than.
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
    (SELECT coalesce(json_agg(json_build_array(d.match_key, d.team, d.yellow,
                                               d.second_yellow_red, d.red, d.yellow_and_red)
                              ORDER BY d.match_key COLLATE "C", d.team COLLATE "C"), '[]')
     FROM match_discipline d JOIN matches dm ON dm.key = d.match_key
     WHERE dm.tournament_id = t.id)::text AS discipline
FROM tournaments t WHERE t.id = $1
"""

_TABLE_MATCHES = f"""
SELECT {TABLE_MATCH_COLUMNS} FROM matches WHERE tournament_id = $1
ORDER BY kickoff, key COLLATE "C"
"""  # noqa: S608 - constant column names


async def read_inputs(db: Executor, tournament_id: TournamentId) -> StandingsInputs:
    """`StandingsRepository.inputs` over one connection."""
    with storage_errors():
        row = await db.fetchrow(_INPUTS, tournament_id)
        if row is None:
            raise NotFound(f"tournament {tournament_id!r} not found")
        matches = await db.fetch(_TABLE_MATCHES, tournament_id)
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
        matches=tuple(table_match_from_row(match) for match in matches),
        adjustments=tuple(
            PointAdjustment(tournament_id, team, points, reason)
            for team, points, reason in json.loads(row["adjustments"])
        ),
        discipline=tuple(
            MatchDiscipline(match, team, Cards(*cards))
            for match, team, *cards in json.loads(row["discipline"])
        ),
        revision=row["standings_revision"],
    )
