"""Reading a results file of either format, told apart by its content."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from adapters.files import openfootball
from adapters.files.standings_input import StandingsInput
from bestshot_domain.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path


def _as_pathlib_writes_it(path: str | Path) -> str:
    """The path as `str(Path(path))` (`./a//b.json` is `a/b.json`): the file opened and the name
    in messages. pathlib (and the URL and IP address modules it imports) is imported only for a
    path that needs it: `bestshot table` starts without it (issue 12, part 6)."""
    text = os.fspath(path)
    if text and os.path.normpath(text) == text:
        return text  # nothing pathlib would change: no `.` part, doubled or trailing slash
    from pathlib import Path  # noqa: PLC0415

    return str(Path(text))


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:  # as `Path.read_bytes` does
        return file.read()


def read_results_file(path: str | Path) -> StandingsInput:
    """The teams and matches of an openfootball JSON or a football-data.co.uk CSV file.

    A missing or unreadable file, or one of neither format, raises InvalidInput; a file of a
    known format with wrong content raises SourceFormatError naming where.
    """
    path = _as_pathlib_writes_it(path)
    try:
        raw = _read_bytes(path)
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
        parsed = openfootball.parse_openfootball(data, path)
        return openfootball.standings_input(parsed, path)
    # Imported for a CSV only: `bestshot table` on a JSON file starts without it.
    from pathlib import PurePath  # noqa: PLC0415

    from adapters.files import football_data_csv  # noqa: PLC0415

    if football_data_csv.looks_like_football_data_csv(text):
        matches = football_data_csv.parse_football_data_csv(text, path)
        return football_data_csv.standings_input(matches, PurePath(path).stem)
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
    path = _as_pathlib_writes_it(path)
    try:
        data = json.loads(_decode(_read_bytes(path)).lstrip("\ufeff"))
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
