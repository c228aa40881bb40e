"""Database bytes per stored match, each with one update, on the embedded PostgreSQL.

Demo tournaments (20 clubs, 380 matches each) are imported before their season, then every
round is updated once after it (each match scheduled, then finished: one change each), each
round followed by its standings update, as the scheduler's caller does. Reported: the size of
every table with its indexes and TOAST after a VACUUM, divided by the number of matches, the
tables and indexes that weigh most, and the events. Target: the issue's (#17), at most half of
the 3,967 bytes per match measured when it was opened.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOURNAMENTS = 5
MEASURED_BEFORE = 3967  # bytes per match when issue #17 was opened
TARGET_BYTES_PER_MATCH = MEASURED_BEFORE // 2


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def _fill() -> tuple[int, list[tuple[str, int]]]:
    from adapters.sources.demo import MATCHDAYS, reference_for  # noqa: PLC0415
    from entrypoints.bootstrap import bootstrap  # noqa: PLC0415
    from entrypoints.settings import load_settings  # noqa: PLC0415
    from entrypoints.use_cases import TournamentImport  # noqa: PLC0415

    anchor = datetime(2026, 11, 28, 9, tzinfo=UTC)
    clock = _Clock(anchor - timedelta(weeks=30))
    async with bootstrap(load_settings(), clock=clock) as service:
        ids = []
        for seed in range(TOURNAMENTS):
            summary = await service.use_cases.import_tournament(
                TournamentImport("demo", reference_for(seed, anchor), f"Storage {seed}", "la_liga")
            )
            ids.append(summary.tournament.id)
        clock.current = anchor + timedelta(weeks=30)
        for tournament_id in ids:
            for matchday in range(1, MATCHDAYS + 1):
                await service.use_cases.update_round(tournament_id, f"matchday-{matchday}")
                await service.use_cases.update_standings(tournament_id)
        pool = service.pool
        assert pool is not None
        async with pool.acquire() as connection:
            await connection.execute("VACUUM ANALYZE")
            matches = await connection.fetchval("SELECT count(*) FROM matches")
            indexes = await connection.fetch(
                """
                SELECT c.relname, pg_relation_size(c.oid) AS bytes
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'i' AND n.nspname = current_schema()
                ORDER BY bytes DESC LIMIT 8
                """
            )
            events = await connection.fetch(
                """
                SELECT type, count(*) AS n, avg(pg_column_size(e.*))::int AS row,
                    count(change_id) AS named
                FROM outbox_events e GROUP BY type ORDER BY n DESC
                """
            )
            sizes = await connection.fetch(
                """
                SELECT c.relname, pg_total_relation_size(c.oid) AS bytes
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname = current_schema()
                ORDER BY bytes DESC
                """
            )
    for row in indexes:
        print(f"  index {row['relname']:<40}{row['bytes'] / 1024:>8.0f} KB")
    for row in events:
        print(
            f"  event {row['type']:<32}{row['n']:>7} x {row['row']:>5} B row"
            f" ({row['named']} naming their change)"
        )
    return matches, [(row["relname"], row["bytes"]) for row in sizes]


def run() -> bool:
    from adapters.postgres.admin import ensure_database  # noqa: PLC0415
    from adapters.postgres.embedded import EmbeddedPostgres  # noqa: PLC0415
    from entrypoints.settings import DEMO_INTERNAL_SERVICE_TOKEN  # noqa: PLC0415

    with (
        tempfile.TemporaryDirectory(prefix="bestshot-bench-storage-") as folder,
        EmbeddedPostgres(Path(folder) / "pgdata", cleanup="delete") as server,
    ):
        asyncio.run(ensure_database(server.url("postgres"), "bench"))
        os.environ.update(
            NODE_ENV="demo",
            DATABASE_URL=server.url("bench"),
            INTERNAL_SERVICE_TOKEN=DEMO_INTERNAL_SERVICE_TOKEN,
            LOG_LEVEL="WARNING",
            SENTRY_DSN="",
        )
        matches, sizes = asyncio.run(_fill())
    total = sum(size for _, size in sizes)
    per_match = total / matches
    print(f"storage: {matches} matches in {TOURNAMENTS} demo tournaments, one update each")
    for name, size in sizes[:8]:
        print(f"  {name:<24}{size / 1024:>9.0f} KB{size / matches:>8.0f} B/match")
    print(f"  all tables and indexes {total / 1024:>8.0f} KB{per_match:>8.0f} B/match")
    met = per_match <= TARGET_BYTES_PER_MATCH
    print(
        f"bytes per match {per_match:.0f}   target <= {TARGET_BYTES_PER_MATCH} (half of "
        f"{MEASURED_BEFORE:,})   {'PASS' if met else 'MISS'}"
    )
    return met


if __name__ == "__main__":
    run()
