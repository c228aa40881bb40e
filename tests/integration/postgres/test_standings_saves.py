"""Tables computed again to the values stored (a kickoff moved, a result corrected back): on
PostgreSQL, `save_if_current` writes the snapshot's row alone, its tables and rows untouched,
and only while the stored row is the very write the tables seen were read of."""

from __future__ import annotations

import asyncpg
import pytest

from adapters.postgres.standings_saves import store
from bestshot_domain.model import PointAdjustment, StandingsSnapshot, StandingsStatus
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import Table
from tests.contracts.seed import seed_league
from tests.contracts.test_standings_save_if_current import ENGINE, computed, snapshot_of

pytestmark = pytest.mark.integration

LIGA = "liga-test"


async def _versions(pool: asyncpg.Pool, table: str) -> dict[tuple[object, ...], tuple[str, str]]:
    # The transaction that last wrote each row, and the last that locked it: unchanged means
    # neither written nor locked since.
    key = "table_index" if table == "standings_tables" else "table_index, team"
    rows = await pool.fetch(
        f"SELECT {key}, xmin::text, xmax::text FROM {table} WHERE tournament_id = $1",  # noqa: S608
        LIGA,
    )
    return {tuple(row)[:-2]: (row["xmin"], row["xmax"]) for row in rows}


async def _status(uow_factory: UnitOfWorkFactory) -> StandingsStatus:
    async with uow_factory() as uow:
        return await uow.standings.status(LIGA)


async def _stored_with_a_new_revision(
    uow_factory: UnitOfWorkFactory, snapshot: StandingsSnapshot
) -> StandingsStatus:
    await seed_league(uow_factory)
    async with uow_factory() as uow:
        await uow.standings.save(snapshot)
        await uow.commit()
    async with uow_factory() as uow:  # a kickoff moved: the revision up, the tables the same
        await uow.adjustments.save(PointAdjustment(LIGA, "scripted:a", 0, "nothing"))
        await uow.commit()
    seen = await _status(uow_factory)
    assert seen.revision > snapshot.revision
    return seen


async def _save_if_current(
    uow_factory: UnitOfWorkFactory, snapshot: StandingsSnapshot, seen: StandingsStatus
) -> bool:
    async with uow_factory() as uow:
        written = await uow.standings.save_if_current(snapshot, seen)
        await uow.commit()
    return written


async def test_the_same_tables_computed_again_leave_tables_and_rows_untouched(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    seen = await _stored_with_a_new_revision(postgres_uow_factory, snapshot_of(1, 0, computed()))
    tables = await _versions(postgres_pool, "standings_tables")
    rows = await _versions(postgres_pool, "standings_rows")
    saved = snapshot_of(2, seen.revision, computed(), progress={"scripted:a": "group"})
    assert await _save_if_current(postgres_uow_factory, saved, seen)
    assert await _versions(postgres_pool, "standings_tables") == tables
    assert await _versions(postgres_pool, "standings_rows") == rows
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == saved
        # The write is the one this process knows of: the tables are not read again.
        status, inputs = await uow.standings.current(LIGA, ENGINE)
    assert status.snapshot is saved
    assert inputs is None


async def test_other_tables_of_the_same_groups_write_the_rows_that_changed_alone(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    seen = await _stored_with_a_new_revision(postgres_uow_factory, snapshot_of(1, 0, computed()))
    before = await _versions(postgres_pool, "standings_rows")
    saved = snapshot_of(2, seen.revision, computed(deduction=1))  # a point less for a, still first
    assert await _save_if_current(postgres_uow_factory, saved, seen)
    after = await _versions(postgres_pool, "standings_rows")
    assert after.keys() == before.keys()
    # a's row written; the others neither written nor even locked.
    assert {key for key in before if after[key] != before[key]} == {(0, "scripted:a")}
    assert after[0, "scripted:a"][0] != before[0, "scripted:a"][0]
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == saved


def _group_a(tables: tuple[Table, ...], rows: int = 2) -> tuple[Table, ...]:
    """Group A's table of `tables` (its first `rows`) with group B's of `computed()`."""
    return (tables[0]._replace(rows=tables[0].rows[:rows]), computed()[1])


# The tables stored first and the ones saved next, of the same groups; group B's the same.
SAME_GROUPS = {
    "rows that changed places": (computed(), _group_a(computed(winner_first=False))),
    "a row gone": (computed(), _group_a(computed(), 1)),
    "a row added": (_group_a(computed(), 1), computed()),
    "rows changed and one gone": (computed(), _group_a(computed(winner_first=False), 1)),
}


@pytest.mark.parametrize("case", SAME_GROUPS)
async def test_rows_of_the_same_groups_read_back_as_saved(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool, case: str
) -> None:
    first, then = SAME_GROUPS[case]
    seen = await _stored_with_a_new_revision(postgres_uow_factory, snapshot_of(1, 0, first))
    before = await _versions(postgres_pool, "standings_rows")
    saved = snapshot_of(2, seen.revision, then)
    assert await _save_if_current(postgres_uow_factory, saved, seen)
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == saved
    # Group B's rows are the same: untouched.
    after = await _versions(postgres_pool, "standings_rows")
    assert {key: after[key] for key in after if key[0] == 1} == {
        key: before[key] for key in before if key[0] == 1
    }


@pytest.mark.parametrize("deduction", [0, 1], ids=["the same tables", "a row changed"])
@pytest.mark.parametrize("same_time", [False, True])
async def test_tables_stored_meanwhile_by_another_process_are_left_as_they_are(
    postgres_uow_factory: UnitOfWorkFactory,
    postgres_pool: asyncpg.Pool,
    same_time: bool,
    deduction: int,
) -> None:
    first = snapshot_of(1, 0, computed())
    seen = await _stored_with_a_new_revision(postgres_uow_factory, first)
    # Another process stores other tables (its own, unknown to this one), even at the very
    # time of the snapshot seen: the snapshot seen is no longer the stored one.
    other = snapshot_of(1 if same_time else 2, seen.revision, computed(winner_first=False))
    async with postgres_pool.acquire() as connection, connection.transaction():
        assert await store(connection, other, None) is not None
    versions = await _versions(postgres_pool, "standings_rows")
    again = snapshot_of(3, seen.revision, computed(deduction=deduction))  # over the tables seen
    assert not await _save_if_current(postgres_uow_factory, again, seen)
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == other
    assert await _versions(postgres_pool, "standings_rows") == versions


@pytest.mark.parametrize("deduction", [0, 1], ids=["the same tables", "a row changed"])
async def test_tables_seen_are_refused_once_the_revision_moved(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool, deduction: int
) -> None:
    first = snapshot_of(1, 0, computed())
    seen = await _stored_with_a_new_revision(postgres_uow_factory, first)
    async with postgres_uow_factory() as uow:
        await uow.adjustments.save(PointAdjustment(LIGA, "scripted:b", -1, "wages"))
        await uow.commit()
    written_by = await postgres_pool.fetchval(
        "SELECT xmin::text FROM standings_snapshots WHERE tournament_id = $1", LIGA
    )
    assert not await _save_if_current(
        postgres_uow_factory, snapshot_of(2, seen.revision, computed(deduction=deduction)), seen
    )
    assert written_by == await postgres_pool.fetchval(
        "SELECT xmin::text FROM standings_snapshots WHERE tournament_id = $1", LIGA
    )
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == first


@pytest.mark.parametrize("deduction", [0, 1], ids=["the same tables", "a row changed"])
async def test_a_snapshot_seen_then_deleted_is_stored_whole_or_not_at_all(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool, deduction: int
) -> None:
    seen = await _stored_with_a_new_revision(postgres_uow_factory, snapshot_of(1, 0, computed()))
    await postgres_pool.execute("DELETE FROM standings_snapshots WHERE tournament_id = $1", LIGA)
    saved = snapshot_of(2, seen.revision, computed(deduction=deduction))
    written = await _save_if_current(postgres_uow_factory, saved, seen)
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == (saved if written else None)
