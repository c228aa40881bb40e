"""Storing computed tables (`standings.PostgresStandingsRepository.save` and
`save_if_current`): a snapshot in one statement, its tables and rows with it; over tables known
to be the stored ones, only the rows that changed, or the snapshot's row alone."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from adapters.postgres.pool import Executor
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import StandingsSnapshot, StandingsStatus

if TYPE_CHECKING:
    from bestshot_domain.standings import Table

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

# Which write stored the snapshot (the server, the database, the transaction): what the reads
# compare with the write this process knows of (`standings._LAST_READ`).
WRITTEN = "concat_ws(' ', pg_postmaster_start_time(), current_database(), s.xmin)"
WRITTEN_BY = f"{WRITTEN} AS written_by"

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
    RETURNING {WRITTEN_BY}
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

# `save_if_current` over the very write the tables seen were read of ($23: WRITTEN, as
# `standings._LAST_READ` knows it), with the same groups in the same order: only the rows that
# differ from the ones seen travel ($4-$16), every row's key with $24-$25 (for `gone`); the rows
# not sent are stored as they are. The stored row's WRITTEN proves they are the rows seen, where
# a computed_at would not should another snapshot have been stored at the same time.
_SAVE_CHANGES_IF_CURRENT = _SAVE_IF_CURRENT.replace(
    "WHERE s.computed_at IS NOT DISTINCT FROM $23", f"WHERE {WRITTEN} = $23"
).replace("unnest($4::int[], $7::text[])", "unnest($24::int[], $25::text[])")

# `save_if_current` when the tables computed are the ones seen, known to be the stored ones:
# the snapshot's row alone, its tables and rows left as they are, under `_SAVE_IF_CURRENT`'s lock
# and revision test ($7), and only while the stored row is the very write the tables seen were
# read of ($8, as in `_SAVE_CHANGES_IF_CURRENT`). An UPDATE, not an upsert: with no stored row,
# nothing is written.
_SAVE_ROW_IF_CURRENT = f"""
WITH locked AS (
    SELECT t.id FROM tournaments t WHERE t.id = $1 AND t.standings_revision = $7
    FOR NO KEY UPDATE
)
UPDATE standings_snapshots s
SET rules = $2, computed_at = $3, revision = $4, engine = $5, bracket = $6::jsonb
FROM locked WHERE s.tournament_id = locked.id AND {WRITTEN} = $8
RETURNING {WRITTEN}
"""  # noqa: S608 - constants


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


def same_engine(snapshot: StandingsSnapshot, stored: StandingsSnapshot) -> bool:
    """Whether both were made by one known engine: then equal values in their tables are also
    of the same types (1 == True in a comparison, not in JSON), so that a table or a row of
    `snapshot` equal to `stored`'s (NamedTuples: compared field by field, identity first) is
    stored as it is."""
    return snapshot.engine != "" and snapshot.engine == stored.engine


def restamped(snapshot: StandingsSnapshot, seen: StandingsStatus | None) -> bool:
    """Whether `snapshot` is the snapshot seen stored, but for its revision and time."""
    stored = None if seen is None else seen.snapshot
    return (
        stored is not None
        and same_engine(snapshot, stored)
        and snapshot.rules == stored.rules
        and snapshot.tables == stored.tables
        and snapshot.knockout == stored.knockout
        and snapshot.progress == stored.progress
        and snapshot.digests == stored.digests
    )


def _bracket(snapshot: StandingsSnapshot) -> str:
    return _json(
        {
            "knockout": [stage.to_dict() for stage in snapshot.knockout],
            "progress": dict(snapshot.progress),
            # Kept with the bracket, in the snapshot's one JSON column: no migration for a
            # map that only the next computation reads.
            "digests": dict(snapshot.digests),
        }
    )


_Prepared = tuple[list[str | None], list[str], list[list[object]]]  # groups, details, columns


def _prepared(tables: Sequence[Table], places: Sequence[Sequence[int]] | None = None) -> _Prepared:
    """The tables as `_TABLES_AND_ROWS` takes them: each table's rows, or only those at
    `places` (each table's row indexes)."""
    if places is not None:
        tables = [
            table._replace(rows=tuple(table.rows[i] for i in indexes))
            for table, indexes in zip(tables, places, strict=True)
        ]
    split = [split_table(i, table.to_dict()) for i, table in enumerate(tables)]
    rows = [
        (i, row_index, *row)
        for i, (_, _, table_rows) in enumerate(split)
        for row_index, row in zip(
            range(len(table_rows)) if places is None else places[i], table_rows, strict=True
        )
    ]
    columns = [list(column) for column in zip(*rows, strict=True)] or [[]] * 13
    return [group for group, _, _ in split], [detail for _, detail, _ in split], columns


def _changed_places(snapshot: StandingsSnapshot, stored: StandingsSnapshot) -> list[list[int]]:
    """For each table of `snapshot`, the indexes of its rows other than the row at the same
    place of `stored`'s table of the same index."""
    return [
        [i for i, row in enumerate(table.rows) if i >= len(before.rows) or row != before.rows[i]]
        for table, before in zip(snapshot.tables, stored.tables, strict=True)
    ]


async def store(
    db: Executor,
    snapshot: StandingsSnapshot,
    seen: StandingsStatus | None,
    seen_written_by: str | None = None,
) -> str | None:
    """Write the snapshot on `db` (in a transaction: the caller's): unconditionally without
    `seen`, else as `save_if_current` says (`seen_written_by`: which write stored the snapshot
    seen, when known). Which write stored it (WRITTEN), or None when `seen` is no longer
    current and nothing was written."""
    tid = snapshot.tournament_id
    stored = None if seen is None else seen.snapshot
    snapshot_columns = [
        snapshot.rules,
        snapshot.computed_at,
        snapshot.revision,
        snapshot.engine,
        _bracket(snapshot),
    ]
    if seen is None:
        prepared = _prepared(snapshot.tables)
        statement, arguments = _SAVE, [tid, *prepared[:2], *prepared[2], *snapshot_columns]
    elif (  # tables not known to be the stored ones, or of another engine or other groups
        stored is None
        or seen_written_by is None
        or not same_engine(snapshot, stored)
        or [t.group for t in snapshot.tables] != [t.group for t in stored.tables]
    ):
        prepared = _prepared(snapshot.tables)
        statement = _SAVE_IF_CURRENT
        arguments = [tid, *prepared[:2], *prepared[2], *snapshot_columns, seen.revision]
        arguments.append(None if stored is None else stored.computed_at)
    elif snapshot.tables == stored.tables:
        # The tables computed again are the ones seen (a kickoff moved, a result corrected
        # back): the snapshot's row alone.
        written = await db.fetchval(
            _SAVE_ROW_IF_CURRENT, tid, *snapshot_columns, seen.revision, seen_written_by
        )
        return None if written is None else str(written)
    else:
        # Over the tables seen, known to be the stored ones: the rows that changed alone.
        prepared = _prepared(snapshot.tables, _changed_places(snapshot, stored))
        keys = [(i, row.team) for i, table in enumerate(snapshot.tables) for row in table.rows]
        statement = _SAVE_CHANGES_IF_CURRENT
        arguments = [tid, *prepared[:2], *prepared[2], *snapshot_columns, seen.revision]
        arguments += [seen_written_by, [i for i, _ in keys], [team for _, team in keys]]
    # One row, always: a SELECT of two subqueries.
    [(written_by, same_tables)] = await db.fetch(statement, *arguments)
    if written_by is None:  # `save_if_current` only: not current any more
        return None
    if not same_tables:  # other groups: the tables replaced, every row with them
        await db.execute("DELETE FROM standings_tables WHERE tournament_id = $1", tid)
        if snapshot.tables:
            if statement is _SAVE_CHANGES_IF_CURRENT:  # the snapshot seen was deleted
                prepared = _prepared(snapshot.tables)
            await db.execute(_INSERT_TABLES, tid, *prepared[:2], *prepared[2])
    return str(written_by)
