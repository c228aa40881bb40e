"""The ranking across groups: criteria without head-to-head, and the regulation's slot tables."""

from __future__ import annotations

from bestshot_domain.standings import COMPETITIONS, THIRDS, StandingsRow, Table, third_placed
from bestshot_domain.standings.eras import Era


def third(team: str, points: int, gd: int, gf: int, won: int = 1) -> StandingsRow:
    return StandingsRow(
        position=3,
        team=team,
        name=team,
        played=3,
        won=won,
        drawn=points - 3 * won,
        lost=3 - won - (points - 3 * won),
        goals_for=gf,
        goals_against=gf - gd,
        goal_difference=gd,
        points=points,
        form="",
    )


def group(letter: str, row: StandingsRow) -> Table:
    above = [third(f"{letter}1", 9, 5, 6, 3), third(f"{letter}2", 6, 1, 4, 2)]
    return Table(f"Group {letter}", (*above, row, third(f"{letter}4", 0, -6, 0, 0)))


def euro(season: int) -> Era:
    return COMPETITIONS["uefa_euro"].era(COMPETITIONS["uefa_euro"].parse_season(str(season)))


def test_euro_2024_thirds_and_their_round_of_16() -> None:
    # The real thirds of EURO 2024: Netherlands (D), Georgia (F), Slovakia (E), Slovenia (C)
    # through; Hungary (A) and Croatia (B) out on points and goal difference.
    rows = {
        "A": third("Hungary", 3, -3, 2),
        "B": third("Croatia", 2, -3, 3, 0),
        "C": third("Slovenia", 3, 0, 2, 0),
        "D": third("Netherlands", 4, 0, 4),
        "E": third("Slovakia", 4, 0, 4),
        "F": third("Georgia", 4, -1, 4),
    }
    era = euro(2024)
    assert era.thirds is not None
    tables = [group(letter, row) for letter, row in rows.items()]
    ranking = third_placed(era.thirds, tables, [])
    assert ranking.group == THIRDS
    assert ranking.qualifying == 4
    qualified = {row.team: row.slot for row in ranking.rows if row.zone == "qualified"}
    # Spain (1B) v Georgia, England (1C) v Slovakia, Romania (1E) v Netherlands,
    # Portugal (1F) v Slovenia.
    assert qualified == {"Georgia": "1B", "Slovakia": "1C", "Netherlands": "1E", "Slovenia": "1F"}
    assert sorted(str(row.from_group) for row in ranking.rows) == [f"Group {c}" for c in "ABCDEF"]
    # Netherlands and Slovakia are level on points, goal difference, goals and wins; the
    # disciplinary points that would decide are not in the input, and the ranking says so.
    (netherlands,) = [row for row in ranking.rows if row.team in {"Netherlands", "Slovakia"}][:1]
    assert netherlands.decided_by == "disciplinary_points: not in the input"
    assert netherlands.tied


def test_every_slot_table_pairs_each_winner_with_one_qualifier() -> None:
    for name in ("uefa_euro",):
        for era in COMPETITIONS[name].eras:
            if era.thirds is None or not era.thirds.slots:
                continue
            assert len(era.thirds.slots) == 15
            for combination, order in era.thirds.slots.items():
                assert sorted(order) == sorted(combination)
