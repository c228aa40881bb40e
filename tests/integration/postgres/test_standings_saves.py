"""Tables computed again to the values stored (a kickoff moved, a result corrected back): on
PostgreSQL, `save_if_current` writes the snapshot's row alone, its tables and rows untouched,
and only while the stored row is the very write the tables seen were read of."""

from __future__ import annotations

import asyncpg
import pytest

from adapters.postgres.standings_saves import store
from bestshot_domain.model import PointAdjustment, StandingsSnapshot, StandingsStatus
from bestshot_domain.ports import UnitOfWorkFactory
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


async def test_other_tables_are_written_where_they_changed(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
) -> None:
    seen = await _stored_with_a_new_revision(postgres_uow_factory, snapshot_of(1, 0, computed()))
    before = await _versions(postgres_pool, "standings_rows")
    saved = snapshot_of(2, seen.revision, computed(deduction=1))  # a point less for a, still first
    assert await _save_if_current(postgres_uow_factory, saved, seen)
    after = await _versions(postgres_pool, "standings_rows")
    assert {key for key in before if after[key][0] != before[key][0]} == {(0, "scripted:a")}
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == saved


@pytest.mark.parametrize("same_time", [False, True])
async def test_tables_stored_meanwhile_by_another_process_are_left_as_they_are(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool, same_time: bool
) -> None:
    first = snapshot_of(1, 0, computed())
    seen = await _stored_with_a_new_revision(postgres_uow_factory, first)
    # Another process stores other tables (its own, unknown to this one), even at the very
    # time of the snapshot seen: the snapshot seen is no longer the stored one.
    other = snapshot_of(1 if same_time else 2, seen.revision, computed(winner_first=False))
    async with postgres_pool.acquire() as connection, connection.transaction():
        assert await store(connection, other, None) is not None
    versions = await _versions(postgres_pool, "standings_rows")
    again = snapshot_of(3, seen.revision, computed())  # the tables seen, computed again
    assert not await _save_if_current(postgres_uow_factory, again, seen)
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == other
    assert await _versions(postgres_pool, "standings_rows") == versions


async def test_the_same_tables_are_refused_once_the_revision_moved(
    postgres_uow_factory: UnitOfWorkFactory, postgres_pool: asyncpg.Pool
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
        postgres_uow_factory, snapshot_of(2, seen.revision, computed()), seen
    )
    assert written_by == await postgres_pool.fetchval(
        "SELECT xmin::text FROM standings_snapshots WHERE tournament_id = $1", LIGA
    )
    async with postgres_uow_factory() as uow:
        assert await uow.standings.get(LIGA) == first
