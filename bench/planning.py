"""Planning a 1,000-tournament day on EventBridge Scheduler (moto's server standing in for AWS).

1,000 tournaments with a round of 10 matches each on the same day, in memory (the day's read is
one query; what is measured is the scheduler's side). The same plan is made three times, each on
a fresh schedule group but the re-run:
- one call after another (SCHEDULE_PLAN_CONCURRENCY=1), the baseline;
- with the default concurrency (16), the first plan of the day;
- again with it, on that group: the re-run (every schedule found unchanged).
moto's server runs in a process of its own, behind a loopback proxy that adds AWS's round trip
(ROUND_TRIP, from a function in the same region) to each call: without it, on a 2-core machine,
both sides' CPU is all there is to measure and no concurrency could show. Targets: the first
plan at least 6x faster than the baseline, the re-run at least as fast as the first plan.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import httpx

from adapters.eventbridge.scheduler import EventBridgeConfig, EventBridgeScheduler
from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from bestshot_domain.model import (
    Match,
    MatchState,
    MatchStatus,
    Round,
    RoundKind,
    Team,
    Tournament,
)
from bestshot_domain.planning import create_daily_schedules
from bestshot_domain.ports import EnsureOutcome
from bestshot_domain.scheduling import SchedulingPolicy

TOURNAMENTS = 1000
CONCURRENCY = 16
ROUND_TRIP = 0.05  # seconds AWS adds to a call: the network and its own work, in-region
TARGET_SPEEDUP = 6.0
DAY = date(2031, 5, 17)
NOW = datetime(2031, 5, 17, 8, 0, tzinfo=UTC)
REGION = "eu-west-1"
ACCOUNT = "123456789012"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _moto() -> Iterator[str]:
    """moto's server in a process of its own, behind the round-trip proxy (also its own)."""
    port, proxy_port = _free_port(), _free_port()
    moto = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.moto_scheduler", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.round_trip", str(proxy_port), str(port), str(ROUND_TRIP)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for url in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{proxy_port}"):
            _wait_for(url)
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        for process in (proxy, moto):
            process.terminate()
            process.wait(timeout=10)


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def _world() -> MemoryUnitOfWorkFactory:
    factory = MemoryUnitOfWorkFactory()
    kickoff = datetime(2031, 5, 17, 19, 0, tzinfo=UTC)
    async with factory() as uow:
        for number in range(TOURNAMENTS):
            tid = f"league-{number:04d}"
            await uow.tournaments.save(
                Tournament(tid, f"League {number:04d}", "scripted", tid, "premier_league", "UTC")
            )
            await uow.teams.save_many(
                [
                    Team("scripted", f"{tid}-{side}{game}", f"Club {side}{game}")
                    for game in range(10)
                    for side in "ha"
                ]
            )
            await uow.rounds.save_many(
                [Round(tid, "matchday-30", "Matchday 30", 30, RoundKind.LEAGUE, "30")]
            )
            await uow.matches.save_many(
                [
                    Match(
                        tid,
                        "matchday-30",
                        "scripted",
                        f"{tid}-m{game}",
                        f"scripted:{tid}-h{game}",
                        f"scripted:{tid}-a{game}",
                        MatchState(
                            MatchStatus.SCHEDULED,
                            kickoff + timedelta(minutes=15 * (game % 3)),
                            None,
                            None,
                            None,
                        ),
                        None,
                        None,
                        0,
                    )
                    for game in range(10)
                ]
            )
        await uow.commit()
    return factory


def _config(endpoint: str, group: str, concurrency: int) -> EventBridgeConfig:
    return EventBridgeConfig(
        lambda_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:caller-scores-and-standings",
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/bestshot-scheduler",
        api_base_url="https://api.example.com",
        group=group,
        region=REGION,
        endpoint_url=endpoint,
        concurrency=concurrency,
        flexible_window_minutes=10,
    )


async def _plan(
    factory: MemoryUnitOfWorkFactory, endpoint: str, group: str, concurrency: int
) -> tuple[float, list[EnsureOutcome | None]]:
    async with EventBridgeScheduler(_config(endpoint, group, concurrency)) as scheduler:
        started = time.perf_counter()
        results = await create_daily_schedules(
            DAY,
            uow_factory=factory,
            scheduler=scheduler,
            clock=SettableClock(NOW),
            policy=SchedulingPolicy(target_env="production"),
            concurrency=concurrency,
        )
        elapsed = time.perf_counter() - started
    return elapsed, [result.outcome for result in results]


async def measure(endpoint: str) -> bool:
    factory = await _world()
    sequential, one_by_one = await _plan(factory, endpoint, f"seq-{uuid.uuid4().hex[:8]}", 1)
    group = f"conc-{uuid.uuid4().hex[:8]}"
    first, created = await _plan(factory, endpoint, group, CONCURRENCY)
    rerun, unchanged = await _plan(factory, endpoint, group, CONCURRENCY)
    same = (
        one_by_one == created == [EnsureOutcome.CREATED] * TOURNAMENTS
        and unchanged == [EnsureOutcome.UNCHANGED] * TOURNAMENTS
    )
    speedup = sequential / first
    added = f"+{ROUND_TRIP * 1000:.0f} ms a call"
    print(f"planning {TOURNAMENTS} tournaments on moto's EventBridge ({added}):")
    print(f"  one call after another:   {sequential:6.2f} s")
    print(
        f"  {CONCURRENCY} at once, first plan: {first:6.2f} s   {speedup:5.1f}x faster"
        f" (target >= {TARGET_SPEEDUP:g}x)"
    )
    print(
        f"  {CONCURRENCY} at once, re-run:     {rerun:6.2f} s   {first / rerun:5.2f}x the first"
        " plan's speed (target >= 1)"
    )
    print(f"  same answers each time: {'yes' if same else 'NO'}")
    return same and speedup >= TARGET_SPEEDUP and rerun <= first


def run() -> bool:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    with _moto() as endpoint:
        return asyncio.run(measure(endpoint))


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
