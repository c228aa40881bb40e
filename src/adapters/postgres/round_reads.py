"""`RoundRepository.read` in PostgreSQL: what a round update compares a provider's answer with,
in one statement rather than four round trips (issue #17: every check of a round reads it)."""

from __future__ import annotations

from typing import Any

from adapters.postgres.codec import Row, match_from_row, round_from_row, tournament_from_row
from adapters.postgres.errors import storage_errors
from adapters.postgres.matches import _MATCH_COLUMNS
from adapters.postgres.overrides import _COLUMNS as _OVERRIDE_COLUMNS
from adapters.postgres.overrides import _from_row as override_from_row
from adapters.postgres.pool import Executor
from bestshot_domain.errors import NotFound
from bestshot_domain.model import TournamentId
from bestshot_domain.round_reads import RoundRead

_TOURNAMENT = (
    "id, label, provider, reference, rules, timezone, zones, season, fallback_provider,"
    " fallback_reference, verify"
)
_ROUND = "tournament_id, slug, label, ordinal, kind, reference"


def _aliased(table: str, columns: str) -> str:
    return ", ".join(f"{table}.{name} AS {table}_{name}" for name in columns.split(", "))


# One row per match (a single one, with nulls, for a round without matches); none for an
# unknown tournament, and the round's columns null for an unknown round.
_READ = f"""
SELECT {_aliased("t", _TOURNAMENT)}, {_aliased("r", _ROUND)},
    {", ".join(f"m.{name.strip()}" for name in _MATCH_COLUMNS.split(","))},
    {_aliased("o", _OVERRIDE_COLUMNS)}
FROM tournaments t
LEFT JOIN rounds r ON r.tournament_id = t.id AND r.slug = $2
LEFT JOIN matches m ON m.tournament_id = r.tournament_id AND m.round_slug = r.slug
LEFT JOIN match_overrides o ON o.match_key = m.key
WHERE t.id = $1
ORDER BY m.kickoff, m.key COLLATE "C"
"""  # noqa: S608 - constant column names


class _Prefixed:
    """The columns of `row` named `prefix` + name, under their own names."""

    def __init__(self, row: Row, prefix: str) -> None:
        self._row = row
        self._prefix = prefix

    def __getitem__(self, name: str) -> Any:
        return self._row[self._prefix + name]


async def read_round(db: Executor, tournament_id: TournamentId, slug: str) -> RoundRead:
    with storage_errors():
        rows = await db.fetch(_READ, tournament_id, slug)
    if not rows:
        raise NotFound(f"tournament {tournament_id!r} not found")
    if rows[0]["r_slug"] is None:
        raise NotFound(f"round {slug!r} of tournament {tournament_id!r} not found")
    overrides = sorted(
        (row["o_match_key"], override_from_row(_Prefixed(row, "o_")))
        for row in rows
        if row["o_match_key"] is not None
    )
    return RoundRead(
        tournament_from_row(_Prefixed(rows[0], "t_")),
        round_from_row(_Prefixed(rows[0], "r_")),
        [match_from_row(row) for row in rows if row["provider"] is not None],
        dict(overrides),
    )
