"""Writing a round through the PostgreSQL repositories, against one row per round trip.

What a round update writes: every match of the round with its new state (under the version
check) and one change record per match, in one transaction. The repository sends each kind in
one statement (`unnest` over column arrays); the baseline sends one UPDATE per match and one
INSERT per change, as straightforward code would, also in one transaction, with the same
version check and prepared statements. Both run in this process against the same server (the
embedded one in a temporary folder, or `BESTSHOT_BENCH_DATABASE_URL`), interleaved, best of
several rounds. Sizes: a 10-match round and a 380-match season. Target: at least 5x for 380.

Over a Unix socket a round trip costs tens of microseconds; over a network it costs
milliseconds, and the gap grows with it. So the ratio here is the least it will be.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from attrs import evolve

from adapters.postgres import PoolConfig, create_pool, migrate_url, unit_of_work_factory
from adapters.postgres.admin import drop_database, ensure_database, with_database
from adapters.postgres.codec import state_columns
from adapters.postgres.embedded import EmbeddedPostgres
from adapters.postgres.matches import CHANGE_COLUMNS
from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Membership,
    Round,
    Score,
    Team,
    Tournament,
)
from bestshot_domain.ports import UnitOfWorkFactory

TARGET_380 = 5.0
SIZES = {10: 30, 380: 7}  # matches written per update: rounds of timing
KICKOFF = datetime(2025, 8, 16, 14, 0, tzinfo=UTC)
DATABASE = "bestshot_bench"


def season() -> tuple[Tournament, list[Team], list[Round], list[Match]]:
    tournament = Tournament("bench-league", "Bench League", "demo", "bench", "premier_league")
    teams = [Team("demo", f"team-{n:02d}", f"Team {n}") for n in range(20)]
    rounds = [Round(tournament.id, f"matchday-{r}", f"Matchday {r}", r) for r in range(1, 39)]
    matches = []
    for r in range(38):
        for n in range(10):
            home, away = teams[(r + 2 * n) % 20], teams[(r + 2 * n + 1) % 20]
            matches.append(
                Match(
                    tournament_id=tournament.id,
                    round_slug=f"matchday-{r + 1}",
                    provider="demo",
                    external_id=f"m-{r:02d}-{n}",
                    home=home.key,
                    away=away.key,
                    state=MatchState(MatchStatus.SCHEDULED, KICKOFF + timedelta(days=7 * r)),
                )
            )
    return tournament, teams, rounds, matches


def next_states(matches: Sequence[Match], step: int) -> tuple[list[Match], list[MatchChange]]:
    """Each match one version on, with a new score, and the change that records it."""
    at = KICKOFF + timedelta(days=400, seconds=step)
    updated, changes = [], []
    for n, match in enumerate(matches):
        after = MatchState(
            MatchStatus.FINISHED,
            match.kickoff,
            Score((n + step) % 5, step % 3),
            Ending.REGULAR,
        )
        updated.append(evolve(match, state=after, last_observed=at, version=match.version + 1))
        changes.append(
            MatchChange(
                match.key,
                match.tournament_id,
                match.round_slug,
                ChangeKind.CORRECTION
                if match.status is MatchStatus.FINISHED
                else ChangeKind.UPDATED,
                match.state,
                after,
                "bench",
                at,
            )
        )
    return updated, changes


async def through_repository(
    factory: UnitOfWorkFactory, matches: list[Match], changes: list[MatchChange]
) -> None:
    async with factory() as uow:
        await uow.matches.save_many(matches)
        await uow.changes.record_many(changes)
        await uow.commit()


UPDATE_ONE = """
UPDATE matches SET status = $3, home_score = $4, away_score = $5, ended = $6,
    shootout_home = NULL, shootout_away = NULL, last_observed = $7, version = $2, updated_at = now()
WHERE provider = $1 AND external_id = $8 AND version = $2 - 1
"""
INSERT_ONE = f"""
INSERT INTO match_changes ({CHANGE_COLUMNS})
VALUES ({", ".join(f"${n}" for n in range(1, 21))})
"""  # noqa: S608 - constant column names


async def one_row_per_round_trip(
    pool: asyncpg.Pool, matches: list[Match], changes: list[MatchChange]
) -> None:
    async with pool.acquire() as connection, connection.transaction():
        for match in matches:
            score = match.state.score
            status = await connection.execute(
                UPDATE_ONE,
                match.provider,
                match.version,
                match.state.status.value,
                None if score is None else score.home,
                None if score is None else score.away,
                None if match.state.ended is None else match.state.ended.value,
                match.last_observed,
                match.external_id,
            )
            if status != "UPDATE 1":
                raise RuntimeError(f"version conflict on {match.key}")
        for change in changes:
            await connection.execute(
                INSERT_ONE,
                change.match,
                change.tournament_id,
                change.round_slug,
                change.kind.value,
                change.reason,
                change.recorded_at,
                *state_columns(change.before),
                *state_columns(change.after),
            )


Writer = Callable[[list[Match], list[MatchChange]], Awaitable[None]]


async def measure(url: str) -> bool:
    pool = await create_pool(url, PoolConfig(min_size=2, max_size=2))
    try:
        factory = unit_of_work_factory(pool)
        tournament, teams, rounds, matches = season()
        async with factory() as uow:
            await uow.tournaments.save(tournament)
            await uow.teams.save_many(teams)
            await uow.teams.set_members(
                tournament.id, [Membership(tournament.id, team.key) for team in teams]
            )
            await uow.rounds.save_many(rounds)
            await uow.matches.save_many(matches)
            await uow.commit()

        current = {match.key: match for match in matches}
        step = 0

        async def timed(writer: Writer, size: int) -> float:
            nonlocal step
            step += 1
            batch, changes = next_states([current[m.key] for m in matches[:size]], step)
            start = time.perf_counter()
            await writer(batch, changes)
            elapsed = time.perf_counter() - start
            current.update((match.key, match) for match in batch)
            return elapsed

        def repository(batch: list[Match], changes: list[MatchChange]) -> Awaitable[None]:
            return through_repository(factory, batch, changes)

        def baseline(batch: list[Match], changes: list[MatchChange]) -> Awaitable[None]:
            return one_row_per_round_trip(pool, batch, changes)

        met = True
        print("PostgreSQL round writes (matches + change records, one transaction), best of n")
        for size, repeats in SIZES.items():
            await timed(repository, size)  # warm the statement caches of both
            await timed(baseline, size)
            ours, theirs = [], []
            for _ in range(repeats):
                ours.append(await timed(repository, size))
                theirs.append(await timed(baseline, size))
            best_ours, best_theirs = min(ours), min(theirs)
            ratio = best_theirs / best_ours
            target = f"target >= {TARGET_380:.0f}x" if size == 380 else "no target"
            ok = size != 380 or ratio >= TARGET_380
            met = met and ok
            print(
                f"  {size:>3} matches: repository {best_ours * 1000:7.2f} ms, "
                f"one row per round trip {best_theirs * 1000:7.2f} ms, "
                f"{ratio:5.1f}x faster ({target}{'' if ok else ', MISSED'})"
            )
        return met
    finally:
        await pool.close()


def on_a_fresh_database(
    measure: Callable[[str], Awaitable[bool]], database: str = DATABASE
) -> bool:
    """`measure(url)` on a freshly migrated database, dropped afterwards: on the server
    `BESTSHOT_BENCH_DATABASE_URL` names, else on an embedded one started for the run."""

    async def on(admin_url: str) -> bool:
        await drop_database(admin_url, database)
        await ensure_database(admin_url, database)
        url = with_database(admin_url, database)
        try:
            await migrate_url(url)
            return await measure(url)
        finally:
            await drop_database(admin_url, database)

    external = os.environ.get("BESTSHOT_BENCH_DATABASE_URL")
    if external:
        return asyncio.run(on(external))
    folder = Path(tempfile.mkdtemp(prefix="bestshot-bench-pg-"))
    try:
        with EmbeddedPostgres(folder / "pgdata", cleanup="delete") as server:
            return asyncio.run(on(server.url("postgres")))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run() -> bool:
    return on_a_fresh_database(measure)


if __name__ == "__main__":
    raise SystemExit(0 if run() else 1)
