"""The knockout bracket the standings update stores: the ties and each team's progress that
`bestshot table --json` gives for the same file, from what the service stored of each match (its
final score, how it ended, its shoot-out), and open ties for legs still to be played."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.providers import build_source
from bestshot_domain import services
from bestshot_domain.model import StandingsSnapshot
from bestshot_domain.ports import ResultSource
from bestshot_domain.standings import ZoneStatus
from entrypoints.cli import main
from tests.source_configs import one

ROOT = Path(__file__).resolve().parents[3]
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"
CHAMPIONS_LEAGUE = ROOT / "tests" / "data" / "standings" / "uefa.cl-2016-17.json"
EURO = ROOT / "tests" / "data" / "standings" / "euro-2016.json"
NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
async def source() -> AsyncIterator[ResultSource]:
    built = build_source(
        "openfootball", one("openfootball", trusted=True), clock=SettableClock(NOW)
    )
    try:
        yield built
    finally:
        await built.aclose()


async def bracket_of(source: ResultSource, path: Path, rules: str) -> StandingsSnapshot:
    """The snapshot the standings update stores for the file imported as a tournament."""
    uow_factory = MemoryUnitOfWorkFactory()
    clock = SettableClock(NOW)
    summary = await services.import_tournament(
        "openfootball",
        str(path),
        "Knockout",
        rules,
        uow_factory=uow_factory,
        sources={"openfootball": source},
        clock=clock,
    )
    await services.update_standings(summary.tournament.id, uow_factory=uow_factory, clock=clock)
    async with uow_factory() as uow:
        snapshot = await uow.standings.get(summary.tournament.id)
    assert snapshot is not None
    return snapshot


def by_name(snapshot: StandingsSnapshot) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The stored bracket in the command's shape: team keys (`openfootball:france`) as names."""
    names = {row.team: row.name for table in snapshot.tables for row in table.rows}
    rounds = [stage.to_dict() for stage in snapshot.knockout]
    for stage in rounds:
        for tie in stage["ties"]:
            tie["teams"] = [names[team] for team in tie["teams"]]
            tie["winner"] = names.get(tie["winner"])
    return rounds, {names[team]: reached for team, reached in snapshot.progress.items()}


def command_output(capsys: pytest.CaptureFixture[str], path: Path, rules: str) -> dict[str, Any]:
    assert main(["table", str(path), "--rules", rules, "--json"]) == 0
    output: dict[str, Any] = json.loads(capsys.readouterr().out)
    return output


def sorted_ties(rounds: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    """Ties compared by their teams, whatever order the ids sort the stored ones in."""
    return [
        (stage["round"], sorted(stage["ties"], key=lambda tie: sorted(tie["teams"])))
        for stage in rounds
    ]


@pytest.mark.parametrize(
    ("path", "rules"),
    [
        (WORLD_CUP, "fifa_world_cup"),
        (CHAMPIONS_LEAGUE, "uefa_champions_league"),
        (EURO, "uefa_euro"),
    ],
)
async def test_the_stored_bracket_is_the_commands(
    source: ResultSource, capsys: pytest.CaptureFixture[str], path: Path, rules: str
) -> None:
    snapshot = await bracket_of(source, path, rules)
    rounds, reached = by_name(snapshot)
    expected = command_output(capsys, path, rules)
    assert sorted_ties(rounds) == sorted_ties(expected["knockout"])
    assert reached == expected["progress"]
    # Each way of deciding a tie the file has, from what was stored of each match's ending.
    ways = {tie["decided_by"] for stage in rounds for tie in stage["ties"]}
    if path == WORLD_CUP:
        assert {"score", "extra_time", "penalties"} <= ways
        assert reached["France"] == "champion"
    elif path == EURO:
        assert {"score", "extra_time", "penalties"} <= ways
        assert reached["Portugal"] == "champion"
    else:
        assert {"aggregate", "away_goals", "extra_time"} <= ways
        assert reached["Real Madrid"] == "champion"


async def test_the_thirds_of_euro_2016_are_through_or_out_once_the_groups_are_over(
    source: ResultSource,
) -> None:
    snapshot = await bracket_of(source, EURO, "uefa_euro")
    (thirds,) = [table for table in snapshot.tables if table.group == "Third-placed teams"]
    statuses = {row.name: row.zones["qualified"] for row in thirds.rows}
    assert statuses == {
        "Slovakia": ZoneStatus.CLINCHED,
        "Northern Ireland": ZoneStatus.CLINCHED,
        "Portugal": ZoneStatus.CLINCHED,
        "Republic of Ireland": ZoneStatus.CLINCHED,
        "Turkey": ZoneStatus.ELIMINATED,
        "Albania": ZoneStatus.ELIMINATED,
    }


async def test_a_second_leg_not_played_leaves_its_tie_open_and_no_champion(
    source: ResultSource, tmp_path: Path
) -> None:
    data = json.loads(CHAMPIONS_LEAGUE.read_text())
    # The season as it stood before the last round-of-16 second leg was played.
    matches = [m for m in data["matches"] if m["round"] == "Round of 16" or "group" in m]
    last = max(
        (m for m in matches if m["round"] == "Round of 16"), key=lambda m: (m["date"], m["time"])
    )
    del last["score"]
    copy = tmp_path / "cl.json"
    copy.write_text(json.dumps({**data, "matches": matches}))
    snapshot = await bracket_of(source, copy, "uefa_champions_league")
    rounds, reached = by_name(snapshot)
    (stage,) = rounds
    assert stage["round"] == "Round of 16"
    (open_tie,) = [tie for tie in stage["ties"] if tie["aggregate"] is None]
    assert sorted(open_tie["teams"]) == sorted([last["team1"], last["team2"]])
    assert (open_tie["legs"], open_tie["winner"], open_tie["decided_by"]) == (2, None, None)
    assert sum(tie["winner"] is not None for tie in stage["ties"]) == 7
    assert "champion" not in reached.values()
    assert reached[last["team1"]] == "Round of 16"
