"""Matches and their change history in PostgreSQL.

A round update writes all its matches in one statement and all its change records in another:
the arrays of each column travel as parameters and `unnest` turns them back into rows, so a
380-match season costs the same two round trips as a 10-match round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.postgres.codec import (
    STATE_FIELDS,
    change_from_row,
    match_from_row,
    state_columns,
)
from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Match, MatchChange, MatchKey, RecordedChange, TournamentId

_MATCH_COLUMNS = """
    provider, external_id, tournament_id, round_slug, home, away, group_name, status, kickoff,
    home_score, away_score, ended, shootout_home, shootout_away, last_observed, version
"""

TOURNAMENT_MATCHES = f"""
SELECT {_MATCH_COLUMNS} FROM matches WHERE tournament_id = $1
ORDER BY kickoff, key COLLATE "C"
"""  # noqa: S608 - constant column names

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
ON CONFLICT (key) DO UPDATE SET
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
    rows = [
        (
            match.provider,
            match.external_id,
            match.tournament_id,
            match.round_slug,
            match.home,
            match.away,
            match.group,
            *state_columns(match.state),
            match.last_observed,
            match.version,
        )
        for match in matches
    ]
    return [list(column) for column in zip(*rows, strict=True)]


CHANGE_COLUMNS = ", ".join(
    (
        "match_key, tournament_id, round_slug, kind, reason, recorded_at",
        *(f"before_{name}" for name in STATE_FIELDS),
        *(f"after_{name}" for name in STATE_FIELDS),
    )
)
_CHANGE_TYPES = ("text", "timestamptz", "int", "int", "text", "int", "int")
# Who said so (migration 0006): written and read by the repository; CHANGE_COLUMNS' writers
# (the bench) leave it to its default, the tournament's provider ("").
_RECORD_COLUMNS = f"{CHANGE_COLUMNS}, source"

# WITH ORDINALITY ... ORDER BY keeps the identity column in the order the changes were given,
# which breaks ties between changes recorded at the same time.
RECORD_CHANGES = f"""
INSERT INTO match_changes ({_RECORD_COLUMNS})
SELECT {_RECORD_COLUMNS}
FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
    {", ".join(f"${7 + i}::{kind}[]" for i, kind in enumerate(_CHANGE_TYPES))},
    {", ".join(f"${14 + i}::{kind}[]" for i, kind in enumerate(_CHANGE_TYPES))},
    $21::text[]
) WITH ORDINALITY AS c({_RECORD_COLUMNS}, n)
ORDER BY n
"""  # noqa: S608 - constant column names; the values travel as parameters


def change_columns(changes: Sequence[MatchChange]) -> list[list[object]]:
    """The twenty-one column arrays of RECORD_CHANGES, in order."""
    rows = [
        (
            change.match,
            change.tournament_id,
            change.round_slug,
            change.kind.value,
            change.reason,
            change.recorded_at,
            *state_columns(change.before),
            *state_columns(change.after),
            change.source,
        )
        for change in changes
    ]
    return [list(column) for column in zip(*rows, strict=True)]


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
            rows = await self._db.fetch(TOURNAMENT_MATCHES, tournament_id)
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

    async def get_many(self, keys: Sequence[MatchKey]) -> Mapping[MatchKey, Match]:
        if not keys:
            return {}
        with storage_errors():
            rows = await self._db.fetch(
                f"SELECT {_MATCH_COLUMNS} FROM matches WHERE key = ANY($1::text[])",  # noqa: S608
                list(keys),
            )
        return {match.key: match for match in map(match_from_row, rows)}

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
            await db.execute(RECORD_CHANGES, *change_columns(changes))

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

    async def history(
        self, match: MatchKey, *, before: int | None = None, limit: int = 50
    ) -> Sequence[RecordedChange]:
        if limit < 1:
            raise InvalidInput("a page of history holds at least one change")
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                SELECT id, {_RECORD_COLUMNS} FROM match_changes
                WHERE match_key = $1 AND ($2::bigint IS NULL OR id < $2)
                ORDER BY id DESC LIMIT $3
                """,  # noqa: S608 - constant column names
                match,
                before,
                limit,
            )
        return [RecordedChange(row["id"], change_from_row(row)) for row in rows]


_CHANGE_SELECT = f"SELECT {_RECORD_COLUMNS} FROM match_changes"  # noqa: S608 - constant
