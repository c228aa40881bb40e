"""The console's standings page against the JSON standings endpoint it shows, on one server.

Both read the same tables through the same query (`entrypoints.api.queries`); the page also
reads the point adjustments and renders the HTML with Jinja2. The server is `bench.api`'s (a
real uvicorn on loopback in its own process, a real PostgreSQL, a 20-club season with half of it
played), started with the read cache off (READ_CACHE_SECONDS=0) so that every request of
either kind reads the database, and the two kinds of request are interleaved so that machine
noise hits both alike. Target: the page's p50 at most 2x the endpoint's.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.api import TOURNAMENT, Connection, _percentile, _wait_until_up, on_bench_server

SAMPLES = 300
TARGET_RATIO = 2.0


async def _measure(
    port: int, process: subprocess.Popen[bytes], token: str
) -> dict[str, list[float]]:
    await _wait_until_up(port, process)
    client = await Connection.open(port)
    paths = {
        "json": f"/api/v2/tournaments/{TOURNAMENT}/standings",
        "page": f"/console/tournaments/{TOURNAMENT}/standings",
    }
    samples: dict[str, list[float]] = {name: [] for name in paths}
    try:
        computing = f"/api/v2/data-provider/tournaments/{TOURNAMENT}/standings"
        await client.request("PATCH", computing, {"X-Internal-Token": token})
        _, page = await client.request("GET", paths["page"])
        if page.count(b'<tr class="') < 20:
            raise RuntimeError("the standings page does not show the table's 20 rows")
        for _ in range(20):  # warm both
            for path in paths.values():
                await client.request("GET", path)
        for _ in range(SAMPLES):
            for name, path in paths.items():
                started = time.perf_counter()
                await client.request("GET", path)
                samples[name].append((time.perf_counter() - started) * 1000)
    finally:
        await client.close()
    return samples


def _report(samples: dict[str, list[float]]) -> bool:
    json_p50, page_p50 = statistics.median(samples["json"]), statistics.median(samples["page"])
    ratio = page_p50 / json_p50
    print(f"standings of 20 clubs, read cache off, {SAMPLES} interleaved samples each")
    for name, label in (("json", "GET JSON standings (baseline)"), ("page", "GET console page")):
        print(
            f"  {label:<30} p50 {statistics.median(samples[name]):7.2f} ms  "
            f"p99 {_percentile(samples[name], 0.99):7.2f} ms"
        )
    print(f"  ratio at p50: {ratio:.2f}x (target <= {TARGET_RATIO:g}x)")
    met = ratio <= TARGET_RATIO
    print("targets met" if met else "TARGETS MISSED")
    return met


def run() -> bool:
    # The read cache off, so that every request of either kind reads the database.
    env = {"READ_CACHE_SECONDS": "0"}
    return _report(on_bench_server(_measure, prefix="bestshot-bench-console-", env=env))


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
