"""Run the benchmarks: `python -m bench` runs them all, `python -m bench standings` one.

Each benchmark is a module with `run() -> bool` (True when every target is met) that prints its
own report. Adding one is one line in BENCHES.
"""

from __future__ import annotations

import importlib
import sys

BENCHES = {
    "standings": "bench.standings",
    "postgres": "bench.postgres",
    "lambda_cold_start": "bench.lambda_cold_start",
    "api": "bench.api",
    "burst": "bench.burst",
    "webhooks": "bench.webhooks",
    "cli_start": "bench.cli_start",
    "planning": "bench.planning",
    "console": "bench.console",
    "storage": "bench.storage",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r} (known: {', '.join(BENCHES)})", file=sys.stderr)
        return 2
    met = [importlib.import_module(BENCHES[name]).run() for name in names]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
