"""The football-data.co.uk CSV parser."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.files.football_data_csv import (
    CsvMatch,
    looks_like_football_data_csv,
    parse_football_data_csv,
    standings_input,
)
from adapters.files.results_file import read_results_file
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Cards

HEADER = "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HS,AS,HY,AY,HR,AR\n"


def test_rows_with_bookings_and_fixtures() -> None:
    text = (
        "\ufeff" + HEADER + "E0,05/08/2022,20:00,Crystal Palace,Arsenal,0,2,A,0,1,A,10,10,1,2,0,1\n"
        "E0,13/08/22,,Arsenal,Leicester,,,,,,,,,,,,\n"
        ",,,,,,,,,,,,,,,,\n"
    )
    assert looks_like_football_data_csv(text)
    played, fixture = parse_football_data_csv(text)
    assert played == CsvMatch(
        "Crystal Palace",
        "Arsenal",
        0,
        2,
        datetime(2022, 8, 5, 20, 0, tzinfo=UTC),
        Cards(yellow=1),
        Cards(yellow=2, red=1),
    )
    assert (fixture.home_goals, fixture.away_goals) == (None, None)
    assert fixture.kickoff == datetime(2022, 8, 13, tzinfo=UTC)
    data = standings_input((played, fixture), "E0")
    assert [team.id for team in data.teams] == ["Crystal Palace", "Arsenal", "Leicester"]
    assert data.matches[1].played is False


def test_extra_league_columns() -> None:
    text = (
        "Country,League,Season,Date,Time,Home,Away,HG,AG,Res\n"
        "Brazil,Serie A,2024,13/04/2024,21:30,Internacional,Bahia,2,1,H\n"
    )
    (match,) = parse_football_data_csv(text)
    assert (match.home, match.away, match.home_goals, match.away_goals) == (
        "Internacional",
        "Bahia",
        2,
        1,
    )


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("E0,05/08/2022,20:00,,Arsenal,0,2", "line 2"),
        ("E0,05/08/2022,20:00,Arsenal,Arsenal,0,2", "cannot play itself"),
        ("E0,05/08/2022,20:00,Palace,Arsenal,x,2", "line 2, FTHG"),
        ("E0,05/08/2022,20:00,Palace,Arsenal,1,", "both scores or neither"),
        ("E0,2022-08-05,20:00,Palace,Arsenal,1,0", "line 2, Date"),
    ],
)
def test_bad_rows_name_the_line(row: str, where: str) -> None:
    with pytest.raises(SourceFormatError, match=r"football-data\.co\.uk") as error:
        parse_football_data_csv("Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG\n" + row + "\n")
    assert where in str(error.value)


def test_read_results_file_detects_the_format(tmp_path: Path) -> None:
    csv_file = tmp_path / "E0.csv"
    csv_file.write_bytes(
        (HEADER + "E0,05/08/2022,20:00,Crystal Palace,Arsenal,0,2,A,,,,,,,,,\n").encode("cp1252")
    )
    assert len(read_results_file(csv_file).matches) == 1
    other = tmp_path / "notes.txt"
    other.write_text("date,home,away\n")
    with pytest.raises(InvalidInput, match="unknown format"):
        read_results_file(other)
