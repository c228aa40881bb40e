"""The standings benchmark measures what it says: real tables, on the seasons it describes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.standings import EXAMPLE, minimal_table, synthetic_season

from adapters.files.results_file import read_results_file
from bestshot_domain.standings import compute_standings, preset


def test_the_minimal_loop_is_a_real_table() -> None:
    data = read_results_file(EXAMPLE)
    (table,) = compute_standings(preset("premier_league"), data.teams, data.matches)
    assert minimal_table(data.teams, data.matches) == [row.team for row in table.rows]
    assert Path(EXAMPLE).name == "en.1-2022-23.json"


def test_the_synthetic_season_is_a_full_double_round_robin_with_ties() -> None:
    teams, matches = synthetic_season()
    assert len(teams) == 20
    assert len(matches) == 380
    assert len({(m.home, m.away) for m in matches}) == 380
    assert set(Counter(m.home for m in matches).values()) == {19}
    assert [m.kickoff for m in matches] == sorted(m.kickoff for m in matches if m.kickoff)
    (table,) = compute_standings(preset("uefa_euro"), teams, matches)
    assert sum(row.decided_by != "points" for row in table.rows[:-1]) >= 3
