"""Fair play and point deductions reach the stored tables through the use cases.

The World Cup 2018 file is read by the openfootball source, as the running service reads it:
its `cards` become stored discipline, so Group H puts Japan above Senegal on fair play, as
FIFA did (and as `bestshot table` does), instead of leaving them tied for lots.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.providers import build_source
from bestshot_domain import services
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.importing import ImportSummary
from bestshot_domain.model import StandingsSnapshot
from bestshot_domain.ports import ResultSource
from bestshot_domain.standings import Table
from tests.source_configs import one

ROOT = Path(__file__).resolve().parents[3]
WORLD_CUP = ROOT / "examples" / "worldcup-2018.json"
EXPECTED = json.loads(
    (ROOT / "tests" / "data" / "standings" / "worldcup-2018.expect.json").read_text()
)
NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
TOURNAMENT = "world-cup-2018"
JAPAN, SENEGAL, COLOMBIA = "openfootball:japan", "openfootball:senegal", "openfootball:colombia"


class Service:
    """The use cases over the in-memory adapters and the real openfootball source."""

    def __init__(self, source: ResultSource) -> None:
        self.uow_factory = MemoryUnitOfWorkFactory()
        self.clock = SettableClock(NOW)
        self.sources = {"openfootball": source}

    async def import_(self, reference: Path | str, label: str = "World Cup 2018") -> ImportSummary:
        return await services.import_tournament(
            "openfootball",
            str(reference),
            label,
            "fifa_world_cup",
            uow_factory=self.uow_factory,
            sources=self.sources,
            clock=self.clock,
        )

    async def update_standings(self, tournament: str = TOURNAMENT) -> StandingsSnapshot:
        return await services.update_standings(
            tournament, uow_factory=self.uow_factory, clock=self.clock
        )

    async def stored_tables(self, tournament: str = TOURNAMENT) -> dict[str | None, Table]:
        async with self.uow_factory() as uow:
            snapshot = await uow.standings.get(tournament)
        assert snapshot is not None
        return {table.group: table for table in snapshot.tables}

    async def set(self, team: str, points: int, reason: str = "a test") -> Any:
        return await services.set_point_adjustment(
            TOURNAMENT, team, points, reason, uow_factory=self.uow_factory, clock=self.clock
        )

    async def remove(self, team: str) -> Any:
        return await services.remove_point_adjustment(
            TOURNAMENT, team, uow_factory=self.uow_factory, clock=self.clock
        )


@pytest.fixture
async def service() -> AsyncIterator[Service]:
    # Trusted, as on the command line: these tests are about the tables, not about which files
    # an API client may name (tests/unit/sources/test_openfootball_source.py is).
    source = build_source(
        "openfootball", one("openfootball", trusted=True), clock=SettableClock(NOW)
    )
    try:
        yield Service(source)
    finally:
        await source.aclose()


def order(table: Table) -> list[tuple[str, str | None, bool]]:
    return [(row.name, row.decided_by, row.tied) for row in table.rows]


async def test_the_world_cup_imported_by_the_service_gives_the_official_groups(
    service: Service,
) -> None:
    summary = await service.import_(WORLD_CUP)
    # Every group match of the file has both sides' cards.
    assert summary.discipline == 2 * 48
    await service.update_standings()
    tables = await service.stored_tables()
    for expected in EXPECTED["expected"]:
        rows = tables[expected["group"]].rows
        assert {row.name: row.position for row in rows} == expected["positions"]
    assert order(tables["Group H"]) == [
        ("Colombia", "points", False),
        ("Japan", "fair_play", False),
        ("Senegal", "points", False),
        ("Poland", None, False),
    ]


async def test_importing_again_writes_no_cards_and_a_changed_card_is_updated(
    service: Service, tmp_path: Path
) -> None:
    copy = tmp_path / "worldcup.json"
    shutil.copy(WORLD_CUP, copy)
    await service.import_(copy)
    again = await service.import_(copy)
    assert (again.changed, again.discipline) == (False, 0)

    # Japan's last group match (lost 0-1 to Poland) with three more yellow cards: Senegal (-6)
    # now has the better conduct score (Japan: -7) and goes through.
    data = json.loads(copy.read_text())
    (match,) = [m for m in data["matches"] if {m["team1"], m["team2"]} == {"Japan", "Poland"}]
    side = "team1" if match["team1"] == "Japan" else "team2"
    match["cards"][side]["yellow"] += 3
    copy.write_text(json.dumps(data))
    changed = await service.import_(copy)
    assert (changed.changed, changed.discipline, changed.matches.updated) == (True, 1, 0)
    await service.update_standings()
    group_h = (await service.stored_tables())["Group H"]
    assert [row.name for row in group_h.rows] == ["Colombia", "Senegal", "Japan", "Poland"]
    assert (await service.import_(copy)).changed is False


async def test_a_deduction_changes_the_stored_table_and_replaces_the_teams_last(
    service: Service,
) -> None:
    await service.import_(WORLD_CUP)
    await service.update_standings()
    result = await service.set(COLOMBIA, -4, "a test deduction")
    group_h = (await service.stored_tables())["Group H"]
    assert result.standings.tables == tuple((await service.stored_tables()).values())
    assert [(row.name, row.points) for row in group_h.rows] == [
        ("Japan", 4),
        ("Senegal", 4),
        ("Poland", 3),
        ("Colombia", 2),
    ]
    assert [(a.team, a.points, a.reason) for a in result.adjustments] == [
        (COLOMBIA, -4, "a test deduction")
    ]
    # Setting it again changes nothing; another value replaces it (an appeal).
    again = await service.set(COLOMBIA, -4, "a test deduction")
    assert again.adjustments == result.adjustments
    appeal = await service.set(COLOMBIA, -1, "reduced on appeal")
    assert [(a.points, a.reason) for a in appeal.adjustments] == [(-1, "reduced on appeal")]
    group_h = (await service.stored_tables())["Group H"]
    assert (group_h.rows[0].name, group_h.rows[0].points) == ("Colombia", 5)
    removed = await service.remove(COLOMBIA)
    assert removed.adjustments == ()
    assert (await service.stored_tables())["Group H"].row(COLOMBIA).points == 6
    assert (await service.remove(COLOMBIA)).adjustments == ()  # removing again is fine


async def test_an_adjustment_needs_a_team_of_the_tournament_points_and_a_reason(
    service: Service,
) -> None:
    with pytest.raises(NotFound, match="no tournament"):
        await service.set(JAPAN, -3)
    await service.import_(WORLD_CUP)
    with pytest.raises(NotFound, match="no team 'openfootball:atlantis' plays"):
        await service.set("openfootball:atlantis", -3)
    with pytest.raises(NotFound, match="no team"):
        await service.remove("openfootball:atlantis")
    with pytest.raises(InvalidInput, match="0 points"):
        await service.set(JAPAN, 0)
    with pytest.raises(InvalidInput, match="reason"):
        await service.set(JAPAN, -3, "  ")
    async with service.uow_factory() as uow:
        assert await uow.adjustments.for_tournament(TOURNAMENT) == []


async def test_two_seasons_of_a_league_with_the_same_clubs_import_side_by_side(
    service: Service, tmp_path: Path
) -> None:
    # Same club names and round names in both: the ids differ by the reference's tag.
    league = ROOT / "examples" / "en.1-2022-23.json"
    first, second = tmp_path / "2022-23.json", tmp_path / "copy-2022-23.json"
    shutil.copy(league, first)
    shutil.copy(league, second)
    one = await service.import_(first, "Premier League 2022-23")
    other = await service.import_(second, "Premier League again")
    assert (one.matches.created, other.matches.created) == (380, 380)
    assert other.teams.created == 0  # the clubs are the same teams
    for tournament in ("premier-league-2022-23", "premier-league-again"):
        (table,) = (await service.update_standings(tournament)).tables
        assert (table.rows[0].name, table.rows[0].points) == ("Manchester City FC", 89)


async def test_a_round_update_brings_the_cards_of_its_matches(
    service: Service, tmp_path: Path
) -> None:
    # Imported before Japan - Poland was played; the file later gets its score and cards, and
    # the scheduled round update (not a re-import) is what the running service does then.
    original = json.loads(WORLD_CUP.read_text())
    data = json.loads(WORLD_CUP.read_text())
    (match,) = [m for m in data["matches"] if {m["team1"], m["team2"]} == {"Japan", "Poland"}]
    del match["score"], match["cards"]
    copy = tmp_path / "worldcup.json"
    copy.write_text(json.dumps(data))
    assert (await service.import_(copy)).discipline == 2 * 47
    copy.write_text(json.dumps(original))
    update = await services.update_round(
        TOURNAMENT,
        "matchday-15",
        uow_factory=service.uow_factory,
        sources=service.sources,
        clock=service.clock,
    )
    assert len(update.discipline) == 2
    again = await services.update_round(
        TOURNAMENT,
        "matchday-15",
        uow_factory=service.uow_factory,
        sources=service.sources,
        clock=service.clock,
    )
    assert (again.saved, again.discipline) == ((), ())
    await service.update_standings()
    group_h = (await service.stored_tables())["Group H"]
    assert (group_h.rows[1].name, group_h.rows[1].decided_by) == ("Japan", "fair_play")
