"""Admins' overrides in PostgreSQL (migration 0006)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.postgres.codec import STATE_FIELDS, Row, state_columns, state_from_columns
from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from bestshot_domain.model import MatchKey, Override, TournamentId

_STATE = ", ".join(STATE_FIELDS)
_SAYS = ", ".join(f"says_{name}" for name in STATE_FIELDS)
_COLUMNS = f"match_key, {_STATE}, reason, set_by, set_at, {_SAYS}, said_at"
_TYPES = ("text", "timestamptz", "int", "int", "text", "int", "int")

_UPSERT = f"""
INSERT INTO match_overrides ({_COLUMNS})
SELECT * FROM unnest(
    $1::text[],
    {", ".join(f"${2 + i}::{kind}[]" for i, kind in enumerate(_TYPES))},
    $9::text[], $10::text[], $11::timestamptz[],
    {", ".join(f"${12 + i}::{kind}[]" for i, kind in enumerate(_TYPES))},
    $19::timestamptz[]
)
ON CONFLICT (match_key) DO UPDATE SET
    {", ".join(f"{name} = EXCLUDED.{name}" for name in _COLUMNS.split(", ")[1:])}
"""  # noqa: S608 - constant column names; the values travel as parameters

_SELECT = f"SELECT {', '.join(f'o.{c}' for c in _COLUMNS.split(', '))} FROM match_overrides o"  # noqa: S608


def _from_row(row: Row) -> Override:
    state = state_from_columns(row, "")
    if state is None:  # pragma: no cover - NOT NULL in the schema
        raise ValueError("a stored override without its state")
    return Override(
        match=row["match_key"],
        state=state,
        reason=row["reason"],
        by=row["set_by"],
        at=row["set_at"],
        provider_says=state_from_columns(row, "says_"),
        provider_at=row["said_at"],
    )


class PostgresOverrideRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def get(self, match: MatchKey) -> Override | None:
        with storage_errors():
            row = await self._db.fetchrow(f"{_SELECT} WHERE o.match_key = $1", match)
        return None if row is None else _from_row(row)

    async def for_round(
        self, tournament_id: TournamentId, round_slug: str
    ) -> Mapping[MatchKey, Override]:
        with storage_errors():
            rows = await self._db.fetch(
                f"""
                {_SELECT} JOIN matches m ON m.key = o.match_key
                WHERE m.tournament_id = $1 AND m.round_slug = $2
                ORDER BY o.match_key COLLATE "C"
                """,
                tournament_id,
                round_slug,
            )
        return {row["match_key"]: _from_row(row) for row in rows}

    async def save_many(self, overrides: Sequence[Override]) -> None:
        unique = list({override.match: override for override in overrides}.values())
        if not unique:
            return
        rows = [
            (
                o.match,
                *state_columns(o.state),
                o.reason,
                o.by,
                o.at,
                *state_columns(o.provider_says),
                o.provider_at,
            )
            for o in unique
        ]
        async with self._session.write() as db:
            await db.execute(_UPSERT, *(list(column) for column in zip(*rows, strict=True)))

    async def delete(self, match: MatchKey) -> bool:
        async with self._session.write() as db:
            deleted = await db.fetchval(
                "DELETE FROM match_overrides WHERE match_key = $1 RETURNING true", match
            )
        return bool(deleted)
