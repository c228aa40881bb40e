"""The standings engine against a minimal loop, on 380-match seasons, for every preset.

The minimal loop only totals points, goal difference and goals for, and sorts on them: the
least any table costs. The engine also counts wins, draws, losses, home and away records and
form, applies the preset's criteria with head-to-head over the tied sets, and builds rows.
Both run in this process on the same data; each time is the best of many short rounds (a few
calls each, a few milliseconds: short enough that most rounds run without the scheduler giving
the core to another process on a busy machine), the two interleaved so that machine noise hits
both alike.

Seasons: the real Premier League 2022-23 (few ties on points) and a seeded synthetic 20-team
season of low scores, where many teams end level on points and head-to-head decides often.
Both come in kickoff order, as the match repository returns them (the engine sorts anyway).
"""

from __future__ import annotations

import random
import timeit
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.files.results_file import read_results_file
from bestshot_domain.standings import (
    PRESETS,
    HeadToHead,
    MatchResult,
    Rules,
    TeamEntry,
    compute_standings,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "en.1-2022-23.json"
PREMIER_LEAGUE_TARGET = 2.0
OTHER_TARGET = 3.0
ROUNDS = 60
CALLS = 5


def minimal_table(teams: Sequence[TeamEntry], matches: Sequence[MatchResult]) -> list[str]:
    ids = [team.id for team in teams]
    points = dict.fromkeys(ids, 0)
    difference = dict.fromkeys(ids, 0)
    scored = dict.fromkeys(ids, 0)
    for match in matches:
        home_goals, away_goals = match.home_goals, match.away_goals
        if home_goals is None or away_goals is None:
            continue
        home, away = match.home, match.away
        scored[home] += home_goals
        scored[away] += away_goals
        difference[home] += home_goals - away_goals
        difference[away] += away_goals - home_goals
        if home_goals > away_goals:
            points[home] += 3
        elif home_goals < away_goals:
            points[away] += 3
        else:
            points[home] += 1
            points[away] += 1
    return sorted(ids, key=lambda team: (-points[team], -difference[team], -scored[team]))


def synthetic_season(seed: int = 2026) -> tuple[list[TeamEntry], list[MatchResult]]:
    """20 teams, 38 rounds by the circle method, scores of 0 to 2 goals (many clubs end level
    on points), in kickoff order as the match repository returns them."""
    rng = random.Random(seed)
    teams = [TeamEntry(f"club-{i:02d}", f"Club {i:02d}") for i in range(20)]
    start = datetime(2025, 8, 16, 12, tzinfo=UTC)
    circle = list(range(len(teams)))
    rounds = []
    for _ in range(len(teams) - 1):
        rounds.append([(circle[i], circle[-1 - i]) for i in range(len(teams) // 2)])
        circle = [circle[0], circle[-1], *circle[1:-1]]
    rounds += [[(away, home) for home, away in fixtures] for fixtures in rounds]
    matches = [
        MatchResult(
            teams[home].id,
            teams[away].id,
            rng.choice((0, 0, 1, 1, 2)),
            rng.choice((0, 0, 1, 1, 2)),
            kickoff=start + timedelta(weeks=week, hours=rng.choice((0, 3, 5, 27))),
        )
        for week, fixtures in enumerate(rounds)
        for home, away in fixtures
    ]
    matches.sort(key=lambda match: match.kickoff or start)
    return teams, matches


def best_of(function: Callable[[], object]) -> float:
    return min(timeit.repeat(function, number=CALLS, repeat=1)) / CALLS


def measure(
    rules: Rules, teams: Sequence[TeamEntry], matches: Sequence[MatchResult]
) -> tuple[float, float]:
    """(engine seconds per table, minimal loop seconds per table), best of ROUNDS each."""
    engine, minimal = [], []
    for _ in range(ROUNDS):
        minimal.append(best_of(lambda: minimal_table(teams, matches)))
        engine.append(best_of(lambda: compute_standings(rules, teams, matches)))
    return min(engine), min(minimal)


def target(rules: Rules) -> float:
    return PREMIER_LEAGUE_TARGET if rules.name == "premier_league" else OTHER_TARGET


def run() -> bool:
    example = read_results_file(EXAMPLE)
    seasons = [
        ("Premier League 2022-23 (real)", list(example.teams), list(example.matches)),
        ("synthetic season, many ties", *synthetic_season()),
    ]
    print("standings: one 380-match table per call, against the minimal loop")
    print(
        f"targets: premier_league <= {PREMIER_LEAGUE_TARGET}x; every other preset <= "
        f"{OTHER_TARGET}x (the issue sets it for the head-to-head ones)"
    )
    all_met = True
    for label, teams, matches in seasons:
        print(f"\n{label}: {len(teams)} teams, {len(matches)} matches")
        print(f"  {'preset':<24}{'engine':>11}{'minimal':>11}{'ratio':>8}  target  result")
        for name in sorted(PRESETS, key=lambda n: (n != "premier_league", n)):
            rules = PRESETS[name]
            engine, minimal = measure(rules, teams, matches)
            ratio = engine / minimal
            met = ratio <= target(rules)
            all_met &= met
            h2h = "h2h" if any(isinstance(c, HeadToHead) for c in rules.criteria) else ""
            print(
                f"  {name:<24}{engine * 1e6:>9.1f}us{minimal * 1e6:>9.1f}us{ratio:>7.2f}x"
                f"  {target(rules):>5.1f}x  {'PASS' if met else 'MISS'} {h2h}"
            )
    print(f"\nstandings: {'PASS' if all_met else 'MISS'}")
    return all_met
