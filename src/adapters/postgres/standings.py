"""Computed tables (standings snapshots) in PostgreSQL.

A table is stored as rows with one column per number (so a query or a constraint can see a
team's points), plus a JSON `detail` for whatever else the engine puts in a row or a table
(form, the deciding criterion, zones ...). Reading joins them back into the dictionary that
`Table.from_dict` takes, so what was saved is exactly what is read.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import asyncpg

from adapters.postgres.errors import storage_errors
from adapters.postgres.session import Session
from adapters.postgres.standings_inputs import (
    INPUT_COLUMNS,
    inputs_from_row,
    read_inputs,
)
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.model import (
    StandingsInputs,
    StandingsSnapshot,
    StandingsStatus,
    TournamentId,
)

if TYPE_CHECKING:
    from bestshot_domain.standings import KnockoutRound, Table

ROW_COLUMNS = (
    "position",
    "team",
    "played",
    "won",
    "drawn",
    "lost",
    "goals_for",
    "goals_against",
    "goal_difference",
    "points",
)


# Which write stored the snapshot (the server, the database, the transaction, with the revision
# and time it was computed at), with the revision and rules now: while the same write is stored
# (`save` writes the tables with their snapshot's row), the snapshot this process last read of it
# (`_LAST_READ`) is what is stored, and the tables are not read again.
_WRITTEN = "concat_ws(' ', pg_postmaster_start_time(), current_database(), s.xmin)"
_WRITTEN_BY = f"{_WRITTEN} AS written_by"
_HEAD = f"""
SELECT t.standings_revision AS current_revision, t.rules AS current_rules,
    {_WRITTEN_BY}, s.revision, s.computed_at
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
        tables = f"CASE WHEN {_WRITTEN} = {unless_written_by} THEN NULL ELSE {tables} END"
        bracket = f"CASE WHEN {_WRITTEN} = {unless_written_by} THEN NULL ELSE {bracket} END"
    return f"""
SELECT t.standings_revision AS current_revision, t.rules AS current_rules,
    s.rules AS snapshot_rules, s.computed_at, s.revision, s.engine, {bracket} AS bracket,
    {_WRITTEN_BY}, {tables} AS tables
"""


_STATUS = (
    _status_columns()
    + " FROM tournaments t LEFT JOIN standings_snapshots s ON s.tournament_id = t.id"
    + " WHERE t.id = $1"
)
# The status, and the inputs (`i`, no row) only when the stored snapshot cannot be reused
# (`StandingsStatus.reusable`; $2: the engine): what a standings update reads first, the matches
# following only when the tables are computed. The stored tables are read only when they are
# not the ones this process last read or wrote ($3: which write that was, `_LAST_READ`).
# (OFFSET 0 keeps the test inside the subquery, where it is made before any input is read; pulled
# up into the join, it would be made after.)
_CURRENT = (
    _status_columns("$3")
    + """, i.*
FROM tournaments t LEFT JOIN standings_snapshots s ON s.tournament_id = t.id
LEFT JOIN LATERAL (SELECT """
    + INPUT_COLUMNS
    + """
    WHERE s.engine IS NULL OR s.engine = '' OR s.engine <> $2
        OR s.revision <> t.standings_revision OR s.rules <> t.rules
    OFFSET 0) i ON true
WHERE t.id = $1"""
)

_ROW_VALUES = """
SELECT $1, t, r, p, team, pl, w, d, l, gf, ga, gd, pts, detail::jsonb
FROM unnest($4::int[], $5::int[], $6::int[], $7::text[], $8::int[], $9::int[], $10::int[],
            $11::int[], $12::int[], $13::int[], $14::int[], $15::int[], $16::text[])
    AS u(t, r, p, team, pl, w, d, l, gf, ga, gd, pts, detail)
"""
_STORED = ("row_index", *(c for c in ROW_COLUMNS if c != "team"), "detail")
_ROWS_IN_VALUES_ORDER = "tournament_id, table_index, row_index, " + ", ".join(
    (*ROW_COLUMNS, "detail")
)

# New tables (other groups than the stored ones): the old ones go with their rows (ON DELETE
# CASCADE, at the end of its own statement), then the new ones come with theirs. The rows'
# foreign key to their table is checked at the end of the statement, when the tables inserted
# beside them are there.
_INSERT_TABLES = f"""
WITH new_tables AS (
    INSERT INTO standings_tables (tournament_id, table_index, group_name, detail)
    SELECT $1, i - 1, g, d::jsonb
    FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(g, d, i)
)
INSERT INTO standings_rows ({_ROWS_IN_VALUES_ORDER})
{_ROW_VALUES}
"""  # noqa: S608 - constant column names; the values travel as parameters

# A save in one statement: the snapshot's row (and which write stored it, for `_LAST_READ`),
# and, when the stored tables are of the same groups ($2, compared in the statement: `same`),
# their tables and rows. Each row is updated in place, and only when it changed, so that its
# new version can stay on its page (a HOT update, in the room the table's fillfactor leaves,
# migration 0011) rather than a deleted row and an inserted one per team and update, which only
# a VACUUM reclaims. With other groups, nothing of the tables is written here: `save` replaces
# them (_INSERT_TABLES). $17-$21: the snapshot's columns.
_UPSERT_SNAPSHOT = f"""
snapshot AS (
    INSERT INTO standings_snapshots AS s
        (tournament_id, rules, computed_at, revision, engine, bracket)
    {{source}}
    ON CONFLICT (tournament_id) DO UPDATE SET
        rules = EXCLUDED.rules, computed_at = EXCLUDED.computed_at,
        revision = EXCLUDED.revision, engine = EXCLUDED.engine, bracket = EXCLUDED.bracket
    {{only}}
    RETURNING {_WRITTEN_BY}
)"""
_TABLES_AND_ROWS = f"""
same AS (
    SELECT coalesce(array_agg(group_name ORDER BY table_index), '{{}}') = $2::text[] AS groups
    FROM standings_tables WHERE tournament_id = $1
), tables AS (
    UPDATE standings_tables s SET detail = n.d::jsonb
    FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS n(g, d, i), same
    WHERE same.groups AND EXISTS (SELECT FROM snapshot)
        AND s.tournament_id = $1 AND s.table_index = n.i - 1
        AND s.group_name IS NOT DISTINCT FROM n.g AND s.detail <> n.d::jsonb
), gone AS (
    DELETE FROM standings_rows s
    WHERE (SELECT groups FROM same) AND EXISTS (SELECT FROM snapshot) AND s.tournament_id = $1
        AND (s.table_index, s.team) NOT IN (SELECT * FROM unnest($4::int[], $7::text[]))
), rows AS (
    INSERT INTO standings_rows AS s ({_ROWS_IN_VALUES_ORDER})
    {_ROW_VALUES}
    WHERE (SELECT groups FROM same) AND EXISTS (SELECT FROM snapshot)
    ON CONFLICT (tournament_id, table_index, team) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in _STORED)}
    WHERE ({", ".join(f"s.{c}" for c in _STORED)})
        IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _STORED)})
)
SELECT (SELECT written_by FROM snapshot), (SELECT groups FROM same)
"""  # noqa: S608 - constant column names; the values travel as parameters
_SAVE = (
    "WITH "
    + _UPSERT_SNAPSHOT.format(source="VALUES ($1, $17, $18, $19, $20, $21::jsonb)", only="")
    + ","
    + _TABLES_AND_ROWS
)
# `save_if_current`: the same, only while the tournament's revision is still the one seen ($22)
# and the stored snapshot the one seen ($23: its computed_at, NULL for none); the tournament's
# row locked first (as `PostgresTournamentRepository.lock` locks it), so that no write raises
# the revision before this transaction ends. Under READ COMMITTED the lock waits for a writer
# holding it and then tests the row as that writer left it; the snapshot's test is made on the
# stored row itself (ON CONFLICT's WHERE), as it is when the upsert comes to it. Neither holds:
# no snapshot row comes back, and nothing else is written (`EXISTS (SELECT FROM snapshot)`).
_SAVE_IF_CURRENT = (
    """WITH locked AS (
    SELECT t.id FROM tournaments t WHERE t.id = $1 AND t.standings_revision = $22
    FOR NO KEY UPDATE
),"""  # noqa: S608 - constants
    + _UPSERT_SNAPSHOT.format(
        source="SELECT $1, $17, $18, $19, $20, $21::jsonb FROM locked",
        only="WHERE s.computed_at IS NOT DISTINCT FROM $23",
    )
    + ","
    + _TABLES_AND_ROWS
)


# Keys in the order given: the columns are jsonb, which orders them itself (and compares
# them as values), and an encoder made once spares each of a table's rows building its own.
_json: Callable[[Mapping[str, Any]], str] = json.JSONEncoder(separators=(",", ":")).encode
_ROW_NUMBERS = operator.itemgetter(*ROW_COLUMNS)


def split_table(
    index: int, table: Mapping[str, Any]
) -> tuple[str | None, str, list[tuple[object, ...]]]:
    """A table's dictionary as (group, table detail, row tuples of ROW_COLUMNS + detail)."""
    try:
        rows = table["rows"]
        group = table.get("group")
        detail = {k: v for k, v in table.items() if k not in ("group", "rows")}
        split_rows = []
        for row in rows:
            row_detail = {k: v for k, v in row.items() if k not in ROW_COLUMNS}
            split_rows.append((*_ROW_NUMBERS(row), _json(row_detail)))
    except (KeyError, TypeError, AttributeError) as error:
        raise InvalidInput(f"table {index} has no {error} to store") from error
    return group, _json(detail), split_rows


class PostgresStandingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._db = session.db

    async def save(self, snapshot: StandingsSnapshot) -> None:
        await self._save(snapshot, None)

    async def save_if_current(self, snapshot: StandingsSnapshot, seen: StandingsStatus) -> bool:
        return await self._save(snapshot, seen)

    async def _save(self, snapshot: StandingsSnapshot, seen: StandingsStatus | None) -> bool:
        tid = snapshot.tournament_id
        tables = [split_table(i, table.to_dict()) for i, table in enumerate(snapshot.tables)]
        rows = [
            (i, row_index, *row)
            for i, (_, _, table_rows) in enumerate(tables)
            for row_index, row in enumerate(table_rows)
        ]
        columns = [list(column) for column in zip(*rows, strict=True)] or [[]] * 13
        groups = [group for group, _, _ in tables]
        details = [detail for _, detail, _ in tables]
        bracket = _json(
            {
                "knockout": [stage.to_dict() for stage in snapshot.knockout],
                "progress": dict(snapshot.progress),
                # Kept with the bracket, in the snapshot's one JSON column: no migration for a
                # map that only the next computation reads.
                "digests": dict(snapshot.digests),
            }
        )
        arguments = [
            tid,
            groups,
            details,
            *columns,
            snapshot.rules,
            snapshot.computed_at,
            snapshot.revision,
            snapshot.engine,
            bracket,
        ]
        if seen is not None:
            stored = seen.snapshot
            arguments += [seen.revision, None if stored is None else stored.computed_at]
        async with self._session.write() as db:
            # One row, always: a SELECT of two subqueries.
            [(written_by, same_tables)] = await db.fetch(
                _SAVE if seen is None else _SAVE_IF_CURRENT, *arguments
            )
            if written_by is None:  # `save_if_current` only: not current any more
                return False
            if not same_tables:
                await db.execute("DELETE FROM standings_tables WHERE tournament_id = $1", tid)
                if tables:
                    await db.execute(_INSERT_TABLES, tid, groups, details, *columns)
        # What a read of this write would give, known without reading it. Should the write
        # be rolled back, its transaction's id is never a stored row's: the entry matches
        # nothing.
        _LAST_READ[tid] = ((written_by, snapshot.revision, snapshot.computed_at), snapshot)
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
        with storage_errors():
            row = await self._db.fetchrow(
                _CURRENT, tournament_id, engine, None if known is None else known[0][0]
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
        return status, await inputs_from_row(self._db, tournament_id, row, status.revision)

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
