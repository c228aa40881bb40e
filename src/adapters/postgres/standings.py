"""Computed tables (standings snapshots) in PostgreSQL.

A table is stored as rows with one column per number (so a query or a constraint can see a
team's points), plus a JSON `detail` for whatever else the engine puts in a row or a table
(form, the deciding criterion, zones ...). Reading joins them back into the dictionary that
`Table.from_dict` takes, so what was saved is exactly what is read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import asyncpg

from adapters.postgres.errors import storage_errors
from adapters.postgres.season_cache import kept
from adapters.postgres.session import Session
from adapters.postgres.standings_inputs import (
    INPUT_COLUMNS,
    SEASON_CHANGES,
    inputs_from_row,
    read_inputs,
)
from adapters.postgres.standings_saves import WRITTEN, WRITTEN_BY, restamped, store
from bestshot_domain.errors import NotFound
from bestshot_domain.model import (
    MatchStatus,
    RoundKind,
    StandingsInputs,
    StandingsSnapshot,
    StandingsStatus,
    TournamentId,
)

if TYPE_CHECKING:
    from bestshot_domain.standings import KnockoutRound, Table


# Which write stored the snapshot (the server, the database, the transaction, with the revision
# and time it was computed at), with the revision and rules now: while the same write is stored
# (`save` writes the tables with their snapshot's row), the snapshot this process last read of it
# (`_LAST_READ`) is what is stored, and the tables are not read again.
_HEAD = f"""
SELECT t.standings_revision AS current_revision, t.rules AS current_rules,
    {WRITTEN_BY}, s.revision, s.computed_at
FROM tournaments t LEFT JOIN standings_snapshots s ON s.tournament_id = t.id
WHERE t.id = $1
"""  # noqa: S608 - constant
_LAST_READ: dict[TournamentId, tuple[tuple[object, ...], StandingsSnapshot]] = {}


def _written(row: asyncpg.Record) -> tuple[object, ...]:
    return (row["written_by"], row["revision"], row["computed_at"])


# The stored tables as one JSON array of [group, detail, rows], each row an object of its
# columns and its detail.
_TABLES = """
(SELECT coalesce(json_agg(json_build_array(
        st.group_name, st.detail,
        (SELECT coalesce(json_agg(json_build_object(
                'position', r.position, 'team', r.team, 'played', r.played,
                'won', r.won, 'drawn', r.drawn, 'lost', r.lost,
                'goals_for', r.goals_for, 'goals_against', r.goals_against,
                'goal_difference', r.goal_difference, 'points', r.points,
                'detail', r.detail) ORDER BY r.row_index), '[]')
         FROM standings_rows r
         WHERE r.tournament_id = st.tournament_id AND r.table_index = st.table_index))
        ORDER BY st.table_index), '[]')
 FROM standings_tables st WHERE st.tournament_id = s.tournament_id)::text"""


def _status_columns(unless_written_by: str | None = None) -> str:
    """The tournament's revision and rules with its stored snapshot, in one statement; the
    tables and the bracket left NULL when the snapshot's write is `unless_written_by` (a
    parameter: the one this process has, `_LAST_READ`)."""
    tables, bracket = _TABLES, "s.bracket::text"
    if unless_written_by is not None:
        tables = f"CASE WHEN {WRITTEN} = {unless_written_by} THEN NULL ELSE {tables} END"
        bracket = f"CASE WHEN {WRITTEN} = {unless_written_by} THEN NULL ELSE {bracket} END"
    return f"""
SELECT t.standings_revision AS current_revision, t.rules AS current_rules,
    s.rules AS snapshot_rules, s.computed_at, s.revision, s.engine, {bracket} AS bracket,
    {WRITTEN_BY}, {tables} AS tables
"""


_STATUS = (
    _status_columns()
    + " FROM tournaments t LEFT JOIN standings_snapshots s ON s.tournament_id = t.id"
    + " WHERE t.id = $1"
)
# The status, and the inputs (`i`, no row) only when the stored snapshot cannot be reused
# (`StandingsStatus.reusable`; $2: the engine): what a standings update reads first, the matches
# following only when the tables are computed and this process keeps no season of them, else
# only the ones changed since it (SEASON_CHANGES, $4-$7). The stored tables are read only when
# they are not the ones this process last read or wrote ($3: which write that was, `_LAST_READ`).
# (OFFSET 0 keeps the test inside the subquery, where it is made before any input is read; pulled
# up into the join, it would be made after.)
_CURRENT = (
    _status_columns("$3")
    + ", i.*, "
    + SEASON_CHANGES
    + """
FROM tournaments t LEFT JOIN standings_snapshots s ON s.tournament_id = t.id
LEFT JOIN LATERAL (SELECT """
    + INPUT_COLUMNS
    + """
    WHERE s.engine IS NULL OR s.engine = '' OR s.engine <> $2
        OR s.revision <> t.standings_revision OR s.rules <> t.rules
    OFFSET 0) i ON true
WHERE t.id = $1"""
)


class PostgresStandingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def save(self, snapshot: StandingsSnapshot) -> None:
        await self._save(snapshot, None)

    async def save_if_current(self, snapshot: StandingsSnapshot, seen: StandingsStatus) -> bool:
        return await self._save(snapshot, seen)

    async def _save(self, snapshot: StandingsSnapshot, seen: StandingsStatus | None) -> bool:
        # Which write stored the snapshot seen, when it is the one this process last read or
        # wrote: the tables computed again can then be left as they are stored (`store`).
        known = _LAST_READ.get(snapshot.tournament_id)
        seen_written_by = None
        if seen is not None and known is not None and known[1] is seen.snapshot:
            seen_written_by = str(known[0][0])
        # The same tables, bracket and rules as the ones stored, seen and computed again: the
        # save only restamps them (a newer revision and time), which a crash may lose without
        # anyone being told something the database no longer says (`Session`).
        restamps = seen_written_by is not None and restamped(snapshot, seen)
        async with self._session.write(restamps=restamps) as db:
            written_by = await store(db, snapshot, seen, seen_written_by)
        if written_by is None:
            return False
        # What a read of this write would give, known without reading it. Should the write
        # be rolled back, its transaction's id is never a stored row's: the entry matches
        # nothing.
        _LAST_READ[snapshot.tournament_id] = (
            (written_by, snapshot.revision, snapshot.computed_at),
            snapshot,
        )
        return True

    async def get(self, tournament_id: TournamentId) -> StandingsSnapshot | None:
        with storage_errors():
            row = await self._db.fetchrow(_STATUS, tournament_id)
        return None if row is None else _snapshot_from_row(tournament_id, row)

    async def status(self, tournament_id: TournamentId) -> StandingsStatus:
        with storage_errors():
            head = await self._db.fetchrow(_HEAD, tournament_id)
        if head is None:
            raise NotFound(f"tournament {tournament_id!r} not found")
        known = _LAST_READ.get(tournament_id)
        if head["computed_at"] is None:  # no snapshot stored yet
            snapshot = None
        elif known is not None and known[0] == _written(head):
            snapshot = known[1]
        else:
            with storage_errors():
                row = await self._db.fetchrow(_STATUS, tournament_id)
            if row is None:  # pragma: no cover - deleted between the two statements
                raise NotFound(f"tournament {tournament_id!r} not found")
            head, snapshot = row, _snapshot_from_row(tournament_id, row)
            if snapshot is not None:
                _LAST_READ[tournament_id] = (_written(row), snapshot)
        return StandingsStatus(head["current_revision"], head["current_rules"], snapshot)

    async def inputs(self, tournament_id: TournamentId) -> StandingsInputs:
        return await read_inputs(self._db, tournament_id)

    async def current(
        self, tournament_id: TournamentId, engine: str
    ) -> tuple[StandingsStatus, StandingsInputs | None]:
        known = _LAST_READ.get(tournament_id)
        season = kept(tournament_id)
        with storage_errors():
            row = await self._db.fetchrow(
                _CURRENT,
                tournament_id,
                engine,
                None if known is None else known[0][0],
                None if season is None else season.revision,
                None if season is None else season.database,
                MatchStatus.CANCELLED.value,
                RoundKind.KNOCKOUT.value,
            )
        if row is None:
            raise NotFound(f"tournament {tournament_id!r} not found")
        if row["computed_at"] is None:  # no snapshot stored yet
            snapshot = None
        elif row["tables"] is None:  # the one this process has (`_CURRENT`)
            if known is None or known[0] != _written(row):  # pragma: no cover - by its $3
                return await self._apart(tournament_id, engine)
            snapshot = known[1]
        else:
            snapshot = _snapshot_from_row(tournament_id, row)
            if snapshot is not None:
                _LAST_READ[tournament_id] = (_written(row), snapshot)
        status = StandingsStatus(row["current_revision"], row["current_rules"], snapshot)
        if status.reusable(engine) is not None:
            return status, None
        if row["id"] is None:  # the statement's test and `reusable` disagree: read them apart
            return await self._apart(tournament_id, engine)
        return status, await inputs_from_row(self._db, tournament_id, row, status.revision, season)

    async def _apart(
        self, tournament_id: TournamentId, engine: str
    ) -> tuple[StandingsStatus, StandingsInputs | None]:
        status = await self.status(tournament_id)
        if status.reusable(engine) is not None:
            return status, None
        return status, await self.inputs(tournament_id)


def _snapshot_from_row(
    tournament_id: TournamentId, row: asyncpg.Record
) -> StandingsSnapshot | None:
    if row["computed_at"] is None:  # no snapshot stored yet
        return None
    tables, knockout, progress, digests = _decoded(row["tables"], row["bracket"])
    return StandingsSnapshot(
        tournament_id=tournament_id,
        rules=row["snapshot_rules"],
        computed_at=row["computed_at"],
        tables=tables,
        revision=row["revision"],
        engine=row["engine"],
        knockout=knockout,
        progress=progress,
        digests=digests,
    )


@functools.lru_cache(maxsize=64)
def _decoded(
    tables: str, bracket: str
) -> tuple[tuple[Table, ...], tuple[KnockoutRound, ...], Mapping[str, str], Mapping[str, str]]:
    # Decoded once per stored text: tables still current are read again and again (each PATCH
    # standings of an unchanged tournament answers them), and what is decoded is immutable.
    stages = json.loads(bracket)
    return (
        tuple(_table_from_json(group, detail, rows) for group, detail, rows in json.loads(tables)),
        tuple(_round_from_dict(stage) for stage in stages["knockout"]),
        MappingProxyType(stages["progress"]),
        # None in snapshots stored before they were kept.
        MappingProxyType(stages.get("digests", {})),
    )


def _round_from_dict(data: dict[str, Any]) -> KnockoutRound:
    from bestshot_domain.standings import KnockoutRound  # noqa: PLC0415 - the engine's own module

    return KnockoutRound.from_dict(data)


def _table_from_json(
    group: str | None, detail: dict[str, Any], rows: list[dict[str, Any]]
) -> Table:
    from bestshot_domain.standings import Table  # noqa: PLC0415 - the engine's own module

    return Table.from_dict(
        {**detail, "group": group, "rows": [{**row.pop("detail"), **row} for row in rows]}
    )
