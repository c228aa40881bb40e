"""Reading a results file of either format, told apart by its content."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.files import openfootball
from adapters.files.standings_input import StandingsInput
from bestshot_domain.errors import InvalidInput


def read_results_file(path: str | Path) -> StandingsInput:
    """The teams and matches of an openfootball JSON or a football-data.co.uk CSV file.

    A missing or unreadable file, or one of neither format, raises InvalidInput; a file of a
    known format with wrong content raises SourceFormatError naming where.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a results file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read it ({error.strerror})") from None
    text = _decode(raw)
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start in ("{", "["):
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from None
        parsed = openfootball.parse_openfootball(data, str(path))
        return openfootball.standings_input(parsed, str(path))
    # Imported for a CSV only: `bestshot table` on a JSON file starts without it.
    from adapters.files import football_data_csv  # noqa: PLC0415

    if football_data_csv.looks_like_football_data_csv(text):
        matches = football_data_csv.parse_football_data_csv(text, str(path))
        return football_data_csv.standings_input(matches, path.stem)
    raise InvalidInput(
        f"{path}: unknown format (expected openfootball JSON or a football-data.co.uk CSV)"
    )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Older football-data.co.uk files are in Windows-1252; every byte decodes in Latin-1.
        return raw.decode("cp1252", errors="replace")


def read_divisions(path: str | Path) -> dict[str, list[str]]:
    """A divisions file: `{"East": ["Atlanta United", ...], "West": [...]}`."""
    path = Path(path)
    try:
        data = json.loads(_decode(path.read_bytes()).lstrip("\ufeff"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read it ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(data, dict) or not all(
        isinstance(name, str) and isinstance(teams, list) and all(isinstance(t, str) for t in teams)
        for name, teams in data.items()
    ):
        raise InvalidInput(f'{path}: expected {{"DIVISION": ["TEAM", ...], ...}}')
    return {name: list(teams) for name, teams in data.items()}
