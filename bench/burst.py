"""A burst of rounds firing together, against `bestshot serve --workers 2` on the embedded
database (issue 17, part 2).

`TOURNAMENTS` demo leagues are imported, then `PAIRS` round-and-standings pairs (each of the
leagues' `ROUNDS` finished matchdays: the first update of each writes its ten results; pairs of
the same league wait for each other, as the tournament's lock has them) are sent
at once, each by the caller the Lambda runs (`adapters.caller`, on the standard library's
client), from a thread of its own, as that many Lambda containers would. The server runs in its
own processes; the client's threads share this one.

Targets: no 5xx but 503 with `Retry-After` (the API's answer when no database connection is
free within `BESTSHOT_DB_ACQUIRE_TIMEOUT`), and every pair eventually succeeds through the
caller (which comes back after `Retry-After`, within its deadline). Reported: pairs per second
against the same burst of `GET /ready` pairs (one `SELECT 1` each on a pool connection; a
pool busy for the check's short wait answers 200 `busy`, a 503 is asked again as the caller
would) in the same run, how many answers were
503 and the attempts a pair needed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PAIRS = 400
TOURNAMENTS = 25  # under the 32 seasons the demo source keeps: its work is not what is measured
ROUNDS = 16  # matchdays 4 to 19, finished in the demo league
WORKERS = 2
CALLER = {"read_timeout": 60.0, "deadline": 600.0}  # the default attempts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Recording:
    """The caller's client, recording each answer's status and whether it said Retry-After."""

    def __init__(self, inner: Any, answers: list[tuple[int, bool]]) -> None:
        self.inner = inner
        self.answers = answers

    def request(self, method: str, url: str, **options: Any) -> Any:
        reply = self.inner.request(method, url, **options)
        self.answers.append((reply.status, reply.header("Retry-After") is not None))
        return reply


def _wait_until_ready(origin: str, process: subprocess.Popen[bytes]) -> None:
    from adapters.stdlib_http import HttpFailed, StdlibClient  # noqa: PLC0415

    deadline = time.monotonic() + 180
    with StdlibClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"bestshot serve exited with {process.returncode}")
            try:
                if client.request("GET", f"{origin}/ready", timeout=2).status == 200:
                    return
            except HttpFailed:
                pass
            time.sleep(0.2)
    raise RuntimeError("bestshot serve did not become ready in 180 s")


def _import_leagues(origin: str, admin: str) -> list[str]:
    from adapters.sources.demo import reference_for  # noqa: PLC0415
    from adapters.stdlib_http import StdlibClient  # noqa: PLC0415

    now = datetime.now(UTC)

    def one(index: int) -> str:
        body = json.dumps(
            {
                "provider": "demo",
                "reference": reference_for(index, now),
                "label": f"Burst League {index}",
                "rules": "premier_league",
            }
        ).encode()
        with StdlibClient() as client:
            reply = client.request(
                "POST",
                f"{origin}/api/v2/data-provider/tournaments",
                headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
                body=body,
                timeout=120,
            )
        if reply.status != 200:
            raise RuntimeError(f"importing a league: HTTP {reply.status} {reply.content[:300]!r}")
        tournament: str = json.loads(reply.content)["tournament"]["id"]
        return tournament

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(TOURNAMENTS)))


def _burst(jobs: list[Callable[[], Any]]) -> tuple[float, list[Any]]:
    """Run every job in a thread of its own, released together; (seconds, outcomes)."""
    start = threading.Barrier(len(jobs) + 1)
    outcomes: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = jobs[index]()
        except Exception as error:  # reported, never lost
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, outcomes


def _measure(origin: str, tournaments: list[str], token: str) -> bool:
    from adapters.caller import CallerConfig, CallSummary, call_round_and_standings  # noqa: PLC0415
    from adapters.stdlib_http import StdlibClient  # noqa: PLC0415

    config = CallerConfig(**CALLER)  # type: ignore[arg-type]
    base = f"{origin}/api/v2/data-provider/tournaments"
    targets = [
        (f"{base}/{tournament}/matches/matchday-{19 - r}", f"{base}/{tournament}/standings")
        for r in range(ROUNDS)
        for tournament in tournaments
    ][:PAIRS]
    answers: list[tuple[int, bool]] = []
    clients = [StdlibClient() for _ in targets]

    def pair(index: int) -> Callable[[], CallSummary]:
        round_url, standings_url = targets[index]
        recording = Recording(clients[index], answers)
        return lambda: call_round_and_standings(
            round_url, standings_url, token=token, config=config, client=recording
        )

    ready_answers: list[tuple[int, bool]] = []

    def ready(client: StdlibClient) -> int:
        # A busy pool is 200 `busy`; a 503 with Retry-After is asked again as the caller would.
        for attempt in range(1, 30):
            reply = client.request("GET", f"{origin}/ready", timeout=120)
            retry_after = reply.header("Retry-After")
            ready_answers.append((reply.status, retry_after is not None))
            if reply.status != 503 or retry_after is None:
                break
            time.sleep(config.wait_after(attempt, float(retry_after)))
        return reply.status

    def ready_pair(index: int) -> Callable[[], tuple[int, int]]:
        client = clients[index]
        return lambda: (ready(client), ready(client))

    try:
        ready_s, readies = _burst([ready_pair(i) for i in range(len(targets))])
        pairs_s, outcomes = _burst([pair(i) for i in range(len(targets))])
    finally:
        for client in clients:
            client.close()

    failed = [outcome for outcome in outcomes if not isinstance(outcome, CallSummary)]
    ready_failed = [outcome for outcome in readies if outcome != (200, 200)]
    statuses = Counter(status for status, _ in answers)
    unexplained = [
        (s, ra) for s, ra in answers + ready_answers if s >= 500 and not (s == 503 and ra)
    ]
    attempts = [
        outcome.round.attempts + outcome.standings.attempts - 2
        for outcome in outcomes
        if isinstance(outcome, CallSummary)
    ]
    pairs_rate, ready_rate = len(targets) / pairs_s, len(targets) / ready_s
    print(
        f"burst: {len(targets)} round-and-standings pairs at once through the caller, against"
        f" `bestshot serve --workers {WORKERS}` (embedded PostgreSQL, {TOURNAMENTS} demo"
        f" leagues)"
    )
    print(f"  pairs              {pairs_rate:8.1f} pairs/s   ({pairs_s:.1f} s for the burst)")
    print(
        f"  GET /ready pairs   {ready_rate:8.1f} pairs/s   ({ready_s:.1f} s; baseline)"
        f"   ratio {pairs_rate / ready_rate:.2f}"
    )
    print(f"  answers            {dict(sorted(statuses.items()))}")
    ready_statuses = Counter(status for status, _ in ready_answers)
    print(f"  GET /ready answers {dict(sorted(ready_statuses.items()))}")
    if attempts:
        print(f"  retries per pair   median {statistics.median(attempts):g}, max {max(attempts)}")
    ok = not failed and not unexplained and not ready_failed
    if failed:
        print(f"  {len(failed)} pairs failed, e.g. {failed[0]!r}"[:600])
    if unexplained:
        print(f"  {len(unexplained)} 5xx answers without Retry-After or other than 503")
    if ready_failed:
        print(f"  {len(ready_failed)} GET /ready pairs failed, e.g. {ready_failed[0]!r}"[:600])
    print(f"burst: {'PASS' if ok else 'MISS'} (no 5xx but 503 with Retry-After; every pair done)")
    return ok


def run() -> bool:
    from entrypoints.commands.token import mint_admin_token  # noqa: PLC0415
    from entrypoints.settings import (  # noqa: PLC0415
        DEMO_INTERNAL_SERVICE_TOKEN,
        load_settings,
    )

    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    script = Path(sys.executable).with_name("bestshot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "entrypoints.cli"]
    with tempfile.TemporaryDirectory(prefix="bestshot-bench-burst-") as folder:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "JWT_SECRET", "INTERNAL_SERVICE_TOKEN"}
        }
        env.update(
            NODE_ENV="demo",
            BESTSHOT_DATA_DIR=folder,
            LOG_LEVEL="ERROR",
            SENTRY_DSN="",
            WORKER_ENABLED="false",
            WEBHOOKS_ENABLED="false",
        )
        process = subprocess.Popen(  # noqa: S603 - our own command
            [*command, "serve", "--workers", str(WORKERS), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_until_ready(origin, process)
            admin = mint_admin_token(load_settings({"NODE_ENV": "demo"}))
            tournaments = _import_leagues(origin, admin)
            return _measure(origin, tournaments, DEMO_INTERNAL_SERVICE_TOKEN)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
