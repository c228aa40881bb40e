"""Run the benchmarks: `python -m bench` for all of them, `python -m bench NAME ...` for some.

Each benchmark is a module of this package with a `main() -> int` that prints its report
(ratios against a baseline measured in the same run) and returns 0 when its targets are met.
Register a new one in `BENCHMARKS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from bench import api

BENCHMARKS: dict[str, Callable[[], int]] = {
    "api": api.main,
}


def main(argv: Sequence[str]) -> int:
    unknown = [name for name in argv if name not in BENCHMARKS]
    if unknown:
        print(
            f"bench: error: unknown benchmark {', '.join(unknown)} "
            f"(known: {', '.join(BENCHMARKS)})",
            file=sys.stderr,
        )
        return 2
    status = 0
    for name in argv or list(BENCHMARKS):
        print(f"== {name}")
        status |= BENCHMARKS[name]()
        print()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
