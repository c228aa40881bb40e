"""Start-up of `bestshot table`: a whole process against `python -c pass`, in the same run.

Each sample is a fresh process: `bestshot table` on a real season (the Premier League 2022-23
example, 380 matches, its table printed), and the bare interpreter, interleaved so that machine
noise hits both alike; the report gives the medians and their ratio. Before sampling, each runs
once unmeasured with bytecode writing allowed (`PYTHONDONTWRITEBYTECODE` is dropped from the
children's environment), so the samples see what a user's second run sees: modules read from
their cached bytecode, as an installed package's are.

Target (issue 12, part 6): at most 6x the bare interpreter (before lazy commands: about 33x;
with them, 5.4x quiet and up to 7.4x busy; with the engine's values as NamedTuples instead of
attrs classes and no pathlib on the path, about 4x on a busy 2-core machine).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SAMPLES = 15
TARGET = 6.0
ROOT = Path(__file__).resolve().parent.parent
SEASON = ROOT / "examples" / "en.1-2022-23.json"


def _command() -> list[str]:
    """The installed `bestshot` script next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("bestshot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "entrypoints.cli"]  # pragma: no cover - not installed


def _wall_ms(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        args, env=env, capture_output=True, timeout=60, check=False
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def run() -> bool:
    """Print the report; True when the target is met."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    table = [*_command(), "table", str(SEASON)]
    bare = [sys.executable, "-c", "pass"]
    _wall_ms(table, env)
    _wall_ms(bare, env)
    tables, bares = [], []
    for _ in range(SAMPLES):
        tables.append(_wall_ms(table, env))
        bares.append(_wall_ms(bare, env))
    table_ms, bare_ms = statistics.median(tables), statistics.median(bares)
    ratio = table_ms / bare_ms
    met = ratio <= TARGET
    print("cli start-up: `bestshot table` on a real season, whole process, against a bare one")
    print(f"  {SAMPLES} fresh processes each, medians; Python {sys.version.split()[0]}")
    print(
        f"  bestshot table {SEASON.name}  {table_ms:7.1f} ms   {ratio:.1f}x python -c pass"
        f" ({bare_ms:.1f} ms)   target <= {TARGET:.0f}x   {'PASS' if met else 'MISS'}"
    )
    return met


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
