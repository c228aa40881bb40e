"""The API over a real uvicorn server on loopback, a real PostgreSQL and the demo source.

Three comparisons, each against a baseline endpoint served by the same server:
- latency: the pair the scheduler's caller sends when a schedule fires (PATCH a 10-match round,
  then PATCH the standings) against an endpoint that runs one `SELECT 1`; target: the pair's
  p50 at most 6x the baseline's;
- PATCH standings alone when its tables must be computed (the round's ten matches written since
  read, over the season of 380 the server process keeps, the tables computed and stored) against
  `GET /ready`; target: p50 at most 5x. The demo source writes the same results again, so the
  tables come out as stored: stored is their new revision and time (the rows that changed are
  measured by the tests, not here). For information, also against one committed write (a one-row
  UPDATE on its own, its commit's flush included, which `GET /ready` does not pay), and with the
  season read whole (what a process that does not keep it pays: each sample after the server
  forgets the seasons it keeps);
- throughput: `GET .../standings` against a plain JSON endpoint, with concurrent clients;
  target: at least half the plain endpoint's requests per second.

The pair is measured in the steady state of a round already over: each PATCH round finds its
ten results already stored (what every follow-up check of a finished round finds), and each
PATCH standings finds nothing its tables are computed from changed since they were stored (the
tournament's standings revision is still the one they were computed at), so it answers with
the stored tables (what one statement reads of the revision with them proves current: no lock
is needed to answer them), without computing or writing them. For
information, the pair is also measured with the round reopened (its matches set back to
scheduled, untimed) before each sample, so that every PATCH round writes ten results and their
change records, and every PATCH standings computes the tables again from the season's 380
matches and stores them; that measurement has no target.

The server runs in its own process (`python -m bench.api --serve PORT`), so that the client's
work does not share its interpreter; the embedded PostgreSQL lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

LATENCY_ROUNDS = 150
THROUGHPUT_REQUESTS = 1500
CONCURRENCY = 16
TOURNAMENT = "bench-league"
ROUND = "matchday-19"  # before the demo's current matchday: ten finished matches
TARGET_PAIR_RATIO = 6.0
TARGET_STANDINGS_RATIO = 5.0
TARGET_THROUGHPUT_RATIO = 0.5

T = TypeVar("T")


# The server side.


async def _serve(port: int) -> None:
    from starlette.requests import Request  # noqa: PLC0415 - server process only
    from starlette.responses import Response  # noqa: PLC0415

    from adapters.sources.demo import reference_for  # noqa: PLC0415
    from entrypoints.api.operations import Operation, Reply  # noqa: PLC0415
    from entrypoints.bootstrap import bootstrap  # noqa: PLC0415
    from entrypoints.commands.serve import serve_app  # noqa: PLC0415
    from entrypoints.settings import load_settings  # noqa: PLC0415
    from entrypoints.use_cases import TournamentImport  # noqa: PLC0415

    async with bootstrap(load_settings()) as service:
        pool = service.pool
        assert pool is not None
        reference = reference_for(7, datetime.now(UTC))
        await service.use_cases.import_tournament(
            TournamentImport("demo", reference, "Bench League", "premier_league")
        )

        async def select_one(request: Request) -> Response:
            async with pool.acquire() as connection:
                await connection.fetchval("SELECT 1")
            return Response(b'{"one":1}', media_type="application/json")

        async with pool.acquire() as connection:
            await connection.execute(
                "CREATE TABLE bench_writes (id int PRIMARY KEY, n int NOT NULL);"
                "INSERT INTO bench_writes VALUES (1, 0)"
            )

        async def write_one(request: Request) -> Response:
            # One statement that writes, committed on its own: the least any request that
            # stores something pays, the flush of its commit included.
            async with pool.acquire() as connection:
                await connection.execute("UPDATE bench_writes SET n = n + 1 WHERE id = 1")
            return Response(b'{"one":1}', media_type="application/json")

        async def forget_seasons(request: Request) -> Response:
            # Not measured: the next standings update reads its season whole.
            from adapters.postgres import season_cache  # noqa: PLC0415

            season_cache.forget(TOURNAMENT)
            return Response(b"{}", media_type="application/json")

        async def plain(request: Request) -> Response:
            return Response(b'{"status":"ok"}', media_type="application/json")

        async def reopen_round(request: Request) -> Response:
            # Not measured: sets the round's matches back to scheduled (a version up, as any
            # write; the triggers raise the standings revision), so that the next PATCH round
            # has ten results to write again and the next PATCH standings tables to compute.
            async with pool.acquire() as connection:
                await connection.execute(
                    """
                    UPDATE matches SET status = 'scheduled', home_score = NULL,
                        away_score = NULL, ended = NULL, last_observed = NULL,
                        version = version + 1
                    WHERE tournament_id = $1 AND round_slug = $2
                    """,
                    TOURNAMENT,
                    ROUND,
                )
            return Response(b"{}", media_type="application/json")

        baselines = tuple(
            Operation(
                method,
                path,
                endpoint,
                operation_id=name,
                summary=name,
                tag="bench",
                replies={200: Reply("baseline")},
                include_in_schema=False,
            )
            for method, path, endpoint, name in (
                ("GET", "/bench/select-1", select_one, "selectOne"),
                ("POST", "/bench/write-1", write_one, "writeOne"),
                ("GET", "/bench/plain", plain, "plain"),
                ("POST", "/bench/reopen-round", reopen_round, "reopenRound"),
                ("POST", "/bench/forget-seasons", forget_seasons, "forgetSeasons"),
            )
        )
        # Served as `bestshot serve` serves the API, so the bench measures that server.
        await serve_app(service.app(extra_operations=baselines), "127.0.0.1", port)


# The client side: a lean keep-alive HTTP/1.1 client on asyncio streams, so that the client's
# own cost (httpx spends about a millisecond a request) does not hide the server's.


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 0"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self._reader.readexactly(length) if length else b""
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status} {body[:200]!r}")
        return status, body

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bench server exited with {process.returncode}")
        try:
            connection = await Connection.open(port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        try:
            await connection.request("GET", "/ready")
            return
        except (RuntimeError, OSError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.2)
        finally:
            await connection.close()
    raise RuntimeError("the bench server did not become ready in 120 s")


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _latencies(rounds: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def _throughput(connections: list[Connection], path: str, requests: int) -> float:
    remaining = requests

    async def worker(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await connection.request("GET", path)

    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    return requests / (time.perf_counter() - started)


@dataclass(frozen=True)
class Measured:
    matches: int  # in the round
    pair_ms: list[float]
    select_ms: list[float]
    writing_ms: list[float]  # the pair, with the round reopened before each sample
    standings_ms: list[float]  # PATCH standings alone in those samples: tables computed
    ready_ms: list[float]  # GET /ready
    write_ms: list[float]  # one committed write, for information
    whole_ms: list[float]  # PATCH standings with its season read whole, for information
    standings_rps: float
    plain_rps: float


async def _measure(port: int, process: subprocess.Popen[bytes], token: str) -> Measured:  # noqa: PLR0915
    await _wait_until_up(port, process)
    client = await Connection.open(port)
    connections = [client]
    headers = {"X-Internal-Token": token}
    round_path = f"/api/v2/data-provider/tournaments/{TOURNAMENT}/matches/{ROUND}"
    standings_path = f"/api/v2/data-provider/tournaments/{TOURNAMENT}/standings"

    async def pair() -> None:
        await client.request("PATCH", round_path, headers)
        await client.request("PATCH", standings_path, headers)

    async def select_one() -> None:
        await client.request("GET", "/bench/select-1")

    async def ready() -> None:
        await client.request("GET", "/ready")

    async def writing_pairs(rounds: int, *, whole: bool = False) -> tuple[list[float], list[float]]:
        samples, standings = [], []
        computed_at = None
        for _ in range(rounds):
            await client.request("POST", "/bench/reopen-round")
            started = time.perf_counter()
            _, body = await client.request("PATCH", round_path, headers)
            if whole:
                await client.request("POST", "/bench/forget-seasons")
            halfway = time.perf_counter()
            _, tables = await client.request("PATCH", standings_path, headers)
            ended = time.perf_counter()
            samples.append((ended - started) * 1000)
            standings.append((ended - halfway) * 1000)
            written = len(json.loads(body)["updated"])
            if written != matches:
                raise RuntimeError(f"a reopened round wrote {written} results, not {matches}")
            if json.loads(tables)["computedAt"] == computed_at:
                raise RuntimeError("the tables of a reopened round were not computed again")
            computed_at = json.loads(tables)["computedAt"]
        return samples, standings

    try:
        _, body = await client.request("PATCH", round_path, headers)
        summary = json.loads(body)
        matches = len(summary["unchanged"]) + len(summary["updated"])
        for warm in (pair, select_one):
            await _latencies(20, warm)
        steady = await client.request("PATCH", standings_path, headers)
        pair_ms = await _latencies(LATENCY_ROUNDS, pair)
        if await client.request("PATCH", standings_path, headers) != steady:
            raise RuntimeError("the steady state's tables were computed again")
        select_ms = await _latencies(LATENCY_ROUNDS, select_one)
        await writing_pairs(5)
        writing_ms, standings_ms = await writing_pairs(LATENCY_ROUNDS)
        await _latencies(20, ready)
        ready_ms = await _latencies(LATENCY_ROUNDS, ready)

        async def write_one() -> None:
            await client.request("POST", "/bench/write-1")

        await _latencies(20, write_one)
        write_ms = await _latencies(LATENCY_ROUNDS, write_one)
        _, whole_ms = await writing_pairs(LATENCY_ROUNDS // 3, whole=True)
        print(  # now, in case the throughput part fails
            f"  (PATCH standings computed p50 {statistics.median(standings_ms):.2f} ms, "
            f"GET /ready p50 {statistics.median(ready_ms):.2f} ms)",
            flush=True,
        )

        read_path = f"/api/v2/tournaments/{TOURNAMENT}/standings"
        # Opened only now: idle through the latency samples, which take longer than the
        # server's REQUEST_HEADER_TIMEOUT_SECONDS on a busy machine, they would be closed.
        connections += [await Connection.open(port) for _ in range(CONCURRENCY - 1)]
        await _throughput(connections, read_path, 200)
        await _throughput(connections, "/bench/plain", 200)
        standings_rps = await _throughput(connections, read_path, THROUGHPUT_REQUESTS)
        plain_rps = await _throughput(connections, "/bench/plain", THROUGHPUT_REQUESTS)
    finally:
        for connection in connections:
            await connection.close()

    return Measured(
        matches,
        pair_ms,
        select_ms,
        writing_ms,
        standings_ms,
        ready_ms,
        write_ms,
        whole_ms,
        standings_rps=standings_rps,
        plain_rps=plain_rps,
    )


def _report(measured: Measured) -> bool:
    pair_ms, select_ms, writing_ms = measured.pair_ms, measured.select_ms, measured.writing_ms
    matches, standings_rps, plain_rps = measured.matches, measured.standings_rps, measured.plain_rps
    pair_p50, select_p50 = statistics.median(pair_ms), statistics.median(select_ms)
    pair_ratio = pair_p50 / select_p50
    throughput_ratio = standings_rps / plain_rps
    print(f"round of {matches} matches (demo source), {LATENCY_ROUNDS} sequential samples each")
    print(
        f"  PATCH round + PATCH standings  p50 {pair_p50:7.2f} ms  "
        f"p99 {_percentile(pair_ms, 0.99):7.2f} ms"
    )
    print(
        f"  GET SELECT 1 (baseline)        p50 {select_p50:7.2f} ms  "
        f"p99 {_percentile(select_ms, 0.99):7.2f} ms"
    )
    print(f"  ratio at p50: {pair_ratio:.2f}x (target <= {TARGET_PAIR_RATIO:g}x)")
    writing_p50 = statistics.median(writing_ms)
    print(
        f"  the same, each round reopened  p50 {writing_p50:7.2f} ms  "
        f"p99 {_percentile(writing_ms, 0.99):7.2f} ms  "
        f"({writing_p50 / select_p50:.2f}x; ten results written and the tables computed "
        "each time; no target)"
    )
    standings_p50, ready_p50 = (
        statistics.median(measured.standings_ms),
        statistics.median(measured.ready_ms),
    )
    standings_ratio = standings_p50 / ready_p50
    print(
        f"  PATCH standings alone, computed p50 {standings_p50:7.2f} ms "
        "(20 teams: the ten matches written since read, the tables computed from the season's "
        "380 and stored each time, the same tables: their new revision and time)"
    )
    print(f"  GET /ready (baseline)          p50 {ready_p50:7.2f} ms")
    print(f"  ratio at p50: {standings_ratio:.2f}x (target <= {TARGET_STANDINGS_RATIO:g}x)")
    write_p50 = statistics.median(measured.write_ms)
    print(
        f"  one committed write            p50 {write_p50:7.2f} ms  (PATCH standings "
        f"{standings_p50 / write_p50:.2f}x it; for information: the least a request that "
        "stores something pays)"
    )
    whole_p50 = statistics.median(measured.whole_ms)
    print(
        f"  the season read whole          p50 {whole_p50:7.2f} ms  ({whole_p50 / ready_p50:.2f}x "
        "GET /ready; for information: a process that does not keep it)"
    )
    print(f"throughput, {CONCURRENCY} keep-alive connections, {THROUGHPUT_REQUESTS} requests each")
    print(f"  GET .../standings            {standings_rps:8.0f} req/s")
    print(f"  GET plain JSON (baseline)    {plain_rps:8.0f} req/s")
    print(
        f"  ratio: {throughput_ratio:.2f} of the baseline (target >= {TARGET_THROUGHPUT_RATIO:g})"
    )
    met = (
        pair_ratio <= TARGET_PAIR_RATIO
        and standings_ratio <= TARGET_STANDINGS_RATIO
        and throughput_ratio >= TARGET_THROUGHPUT_RATIO
    )
    print("targets met" if met else "TARGETS MISSED")
    return met


def on_bench_server(
    measure: Callable[[int, subprocess.Popen[bytes], str], Coroutine[Any, Any, T]],
    *,
    prefix: str,
    env: Mapping[str, str] | None = None,
) -> T:
    """`measure(port, process, token)` against this module's server (`--serve`) on a fresh
    embedded PostgreSQL, with `env` added to its environment; the server stopped after."""
    from adapters.postgres.admin import ensure_database  # noqa: PLC0415
    from adapters.postgres.embedded import EmbeddedPostgres  # noqa: PLC0415
    from entrypoints.settings import DEMO_INTERNAL_SERVICE_TOKEN  # noqa: PLC0415

    with (
        tempfile.TemporaryDirectory(prefix=prefix) as folder,
        EmbeddedPostgres(Path(folder) / "pgdata", cleanup="delete") as server,
    ):
        asyncio.run(ensure_database(server.url("postgres"), "bench"))
        port = _free_port()
        environment = {
            **os.environ,
            "NODE_ENV": "demo",
            "DATABASE_URL": server.url("bench"),
            "INTERNAL_SERVICE_TOKEN": DEMO_INTERNAL_SERVICE_TOKEN,
            "LOG_LEVEL": "WARNING",
            "SENTRY_DSN": "",
            **(env or {}),
        }
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.api", "--serve", str(port)], env=environment
        )
        try:
            return asyncio.run(measure(port, process, DEMO_INTERNAL_SERVICE_TOKEN))
        finally:
            process.terminate()
            process.wait(timeout=30)


def run() -> bool:
    return _report(on_bench_server(_measure, prefix="bestshot-bench-api-"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.api")
    parser.add_argument("--serve", type=int, metavar="PORT", help="run the bench server")
    args = parser.parse_args()
    if args.serve is None:
        sys.exit(0 if run() else 1)
    from entrypoints.logs import configure_logging

    configure_logging("WARNING")
    asyncio.run(_serve(args.serve))
