"""Matches and their change history in PostgreSQL.

A round update writes all its matches in one statement and all its change records in another:
the arrays of each column travel as parameters and `unnest` turns them back into rows, so a
380-match season costs the same two round trips as a 10-match round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from adapters.postgres.codec import change_from_row, match_from_row, state_to_json
from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Match, MatchChange, MatchKey, TournamentId

_MATCH_COLUMNS = """
    provider, external_id, tournament_id, round_slug, home, away, group_name, status, kickoff,
    home_score, away_score, ended, shootout_home, shootout_away, last_observed, version
"""

# An update must carry the stored version plus one; otherwise bestshot_version_conflict()
# raises inside the statement, which therefore writes nothing at all. ON CONFLICT DO UPDATE
# locks each existing row and sees its latest committed version, so no concurrent writer can
# slip between the check and the write.
UPSERT_MATCHES = f"""
INSERT INTO matches AS m ({_MATCH_COLUMNS})
SELECT * FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::timestamptz[], $10::int[], $11::int[], $12::text[], $13::int[], $14::int[],
    $15::timestamptz[], $16::int[]
)
ON CONFLICT ON CONSTRAINT match_provider_external_id_unique DO UPDATE SET
    version = CASE WHEN m.version = EXCLUDED.version - 1 THEN EXCLUDED.version
                   ELSE bestshot_version_conflict(m.key, m.version, EXCLUDED.version) END,
    tournament_id = EXCLUDED.tournament_id, round_slug = EXCLUDED.round_slug,
    home = EXCLUDED.home, away = EXCLUDED.away, group_name = EXCLUDED.group_name,
    status = EXCLUDED.status, kickoff = EXCLUDED.kickoff,
    home_score = EXCLUDED.home_score, away_score = EXCLUDED.away_score, ended = EXCLUDED.ended,
    shootout_home = EXCLUDED.shootout_home, shootout_away = EXCLUDED.shootout_away,
    last_observed = EXCLUDED.last_observed, updated_at = now()
"""  # noqa: S608 - constant column names; the values travel as parameters


def match_columns(matches: Sequence[Match]) -> list[list[object]]:
    """The sixteen column arrays of UPSERT_MATCHES, in order."""
    columns: list[list[object]] = [[] for _ in range(16)]
    for match in matches:
        state = match.state
        score, shootout = state.score, state.shootout
        values: tuple[object, ...] = (
            match.provider,
            match.external_id,
            match.tournament_id,
            match.round_slug,
            match.home,
            match.away,
            match.group,
            state.status.value,
            state.kickoff,
            None if score is None else score.home,
            None if score is None else score.away,
            None if state.ended is None else state.ended.value,
            None if shootout is None else shootout.home,
            None if shootout is None else shootout.away,
            match.last_observed,
            match.version,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    return columns


class PostgresMatchRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def for_round(self, tournament_id: TournamentId, round_slug: str) -> Sequence[Match]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT {_MATCH_COLUMNS} FROM matches
                WHERE tournament_id = $1 AND round_slug = $2
                ORDER BY kickoff, key COLLATE "C"
                """,  # noqa: S608
                tournament_id,
                round_slug,
            )
        return [match_from_row(row) for row in rows]

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[Match]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT {_MATCH_COLUMNS} FROM matches WHERE tournament_id = $1
                ORDER BY kickoff, key COLLATE "C"
                """,  # noqa: S608
                tournament_id,
            )
        return [match_from_row(row) for row in rows]

    async def kicking_off(self, start: datetime, end: datetime) -> Sequence[Match]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT {_MATCH_COLUMNS} FROM matches WHERE kickoff >= $1 AND kickoff < $2
                ORDER BY kickoff, key COLLATE "C"
                """,  # noqa: S608
                start,
                end,
            )
        return [match_from_row(row) for row in rows]

    async def save_many(self, matches: Sequence[Match]) -> None:
        if not matches:
            return
        twice = sorted(key for key, n in Counter(m.key for m in matches).items() if n > 1)
        if twice:
            raise InvalidInput(f"match {twice[0]!r} appears twice in one save")
        async with self._session.write() as db:
            await db.execute(UPSERT_MATCHES, *match_columns(matches))


class PostgresChangeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def record_many(self, changes: Sequence[MatchChange]) -> None:
        if not changes:
            return
        async with self._session.write() as db:
            await db.execute(
                """
                INSERT INTO match_changes
                    (match_key, tournament_id, round_slug, kind, before, after, reason, recorded_at)
                SELECT match_key, tournament_id, round_slug, kind, before::jsonb, after::jsonb,
                       reason, recorded_at
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::text[], $7::text[], $8::timestamptz[])
                    WITH ORDINALITY
                    AS c(match_key, tournament_id, round_slug, kind, before, after, reason,
                         recorded_at, n)
                ORDER BY n
                """,
                [change.match for change in changes],
                [change.tournament_id for change in changes],
                [change.round_slug for change in changes],
                [change.kind.value for change in changes],
                [state_to_json(change.before) for change in changes],
                [state_to_json(change.after) for change in changes],
                [change.reason for change in changes],
                [change.recorded_at for change in changes],
            )

    async def for_match(self, match: MatchKey) -> Sequence[MatchChange]:
        with storage_errors():
            rows = await self._db.fetch(
                f"{_CHANGE_SELECT} WHERE match_key = $1 ORDER BY recorded_at, id",
                match,
            )
        return [change_from_row(row) for row in rows]

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchChange]:
        with storage_errors():
            rows = await self._db.fetch(
                f"{_CHANGE_SELECT} WHERE tournament_id = $1 ORDER BY recorded_at, id",
                tournament_id,
            )
        return [change_from_row(row) for row in rows]


_CHANGE_SELECT = """
SELECT match_key, tournament_id, round_slug, kind, before::text AS before, after::text AS after,
       reason, recorded_at
FROM match_changes
"""
