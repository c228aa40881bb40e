"""`python -m bench [NAME ...]`: run the benchmarks (all, or those named), each printing its own
numbers and ratios against a baseline measured in the same process."""

from __future__ import annotations

import importlib
import sys

# Each module exposes `main() -> None`.
BENCHMARKS: dict[str, str] = {
    "api": "bench.api",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"bench: unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
        return 2
    for name in names:
        print(f"== {name}")
        importlib.import_module(BENCHMARKS[name]).main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
