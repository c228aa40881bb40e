"""football-data.co.uk CSV: one row per match.

Columns read: `HomeTeam`, `AwayTeam`, `FTHG`, `FTAG` (or `Home`, `Away`, `HG`, `AG` in the
files of the extra leagues), `Date` (dd/mm/yy or dd/mm/yyyy) and `Time`, and the optional
bookings `HY`, `AY`, `HR`, `AR`. A red is counted as a direct red, since the file does not say
how it came. A row without a full-time score is a match still to be played.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from attrs import frozen

from adapters.files.standings_input import StandingsInput
from bestshot_domain.errors import SourceFormatError
from bestshot_domain.standings import Cards, MatchResult, TeamEntry

PROVIDER = "football-data.co.uk"

_Error = Callable[[str, str], SourceFormatError]

_COLUMNS = (("HomeTeam", "AwayTeam", "FTHG", "FTAG"), ("Home", "Away", "HG", "AG"))


@frozen
class CsvMatch:
    home: str
    away: str
    home_goals: int | None
    away_goals: int | None
    kickoff: datetime | None = None
    home_cards: Cards | None = None
    away_cards: Cards | None = None


def looks_like_football_data_csv(text: str) -> bool:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    names = {name.strip() for name in header.split(",")}
    return any(set(columns) <= names for columns in _COLUMNS)


def parse_football_data_csv(text: str, origin: str = "") -> tuple[CsvMatch, ...]:
    """The matches of one CSV file; SourceFormatError names the row and column that is wrong."""
    prefix = f"{origin}: " if origin else ""

    def error(path: str, message: str) -> SourceFormatError:
        return SourceFormatError(PROVIDER, path, prefix + message)

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    names = {name.strip() for name in reader.fieldnames or ()}
    columns = next((c for c in _COLUMNS if set(c) <= names), None)
    if columns is None:
        raise error("line 1", "expected the columns HomeTeam, AwayTeam, FTHG, FTAG")
    home_column, away_column, home_goals_column, away_goals_column = columns
    matches = []
    for line, raw in enumerate(reader, start=2):
        row = {(key or "").strip(): (value or "").strip() for key, value in raw.items()}
        if not any(row.values()):
            continue  # the blank trailing rows these files often have
        home, away = row.get(home_column, ""), row.get(away_column, "")
        if not home or not away:
            raise error(f"line {line}", "a match needs both teams")
        if home == away:
            raise error(f"line {line}", f"{home!r} cannot play itself")
        home_goals = _count(row, home_goals_column, line, error)
        away_goals = _count(row, away_goals_column, line, error)
        if (home_goals is None) != (away_goals is None):
            raise error(f"line {line}", "a match has both scores or neither")
        matches.append(
            CsvMatch(
                home,
                away,
                home_goals,
                away_goals,
                _kickoff(row, line, error),
                _cards(row, "HY", "HR", line, error),
                _cards(row, "AY", "AR", line, error),
            )
        )
    return tuple(matches)


def _count(row: Mapping[str, str], column: str, line: int, error: _Error) -> int | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        count = int(float(value)) if value.endswith(".0") else int(value)
    except ValueError:
        raise error(f"line {line}, {column}", f"expected a count, got {value!r}") from None
    if count < 0:
        raise error(f"line {line}, {column}", f"expected a count, got {value!r}")
    return count


def _cards(row: Mapping[str, str], yellow: str, red: str, line: int, error: _Error) -> Cards | None:
    yellows, reds = _count(row, yellow, line, error), _count(row, red, line, error)
    if yellows is None and reds is None:
        return None
    return Cards(yellow=yellows or 0, red=reds or 0)


def _kickoff(row: Mapping[str, str], line: int, error: _Error) -> datetime | None:
    day = row.get("Date", "")
    if not day:
        return None
    time = row.get("Time", "") or "00:00"
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%y %H:%M"):
        try:
            return datetime.strptime(f"{day} {time}", pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise error(f"line {line}, Date", f"expected dd/mm/yy and HH:MM, got {day!r} {time!r}")


def standings_input(matches: Sequence[CsvMatch], name: str = "") -> StandingsInput:
    teams: dict[str, None] = {}
    for match in matches:
        teams.setdefault(match.home)
        teams.setdefault(match.away)
    return StandingsInput(
        name,
        tuple(TeamEntry(team, team) for team in teams),
        tuple(
            MatchResult(
                m.home,
                m.away,
                m.home_goals,
                m.away_goals,
                kickoff=m.kickoff,
                home_cards=m.home_cards,
                away_cards=m.away_cards,
            )
            for m in matches
        ),
    )
