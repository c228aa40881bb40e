"""FBref schedule pages ("Scores & Fixtures") read with BeautifulSoup: the parser behind
`adapters.sources.fbref.parse_schedule`. Columns, rounds and the status table: docs/sources.md,
"FBref".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from bs4 import BeautifulSoup, Tag

from adapters.sources.parsed import ParsedMatch, RoundInfo, slugify
from adapters.sources.payload import decode_text, format_error
from bestshot_domain.model import Ending, MatchStatus, Observation, RoundKind, Score, SourceTeam

PROVIDER = "fbref"  # adapters.sources.fbref's, which imports this module only to parse

HOME = ("home_team", "squad_a")
AWAY = ("away_team", "squad_b")
TIME = ("start_time", "time")

_SCORE = re.compile(
    r"^(?:\((?P<hp>\d+)\)\s*)?(?P<h>\d+)\s*[\u2013-]\s*(?P<a>\d+)(?:\s*\((?P<ap>\d+)\))?$"
)
_SQUAD = re.compile(r"/squads/(?P<id>[0-9a-f]+)/")
_MATCH = re.compile(r"/matches/(?P<id>[0-9a-f]{6,})/")
_REGULAR_SEASON = {"", "regular season", "league"}
_UNPLAYED = (
    ("postpone", MatchStatus.POSTPONED),
    ("cancel", MatchStatus.CANCELLED),
    ("abandon", MatchStatus.SUSPENDED),
    ("suspend", MatchStatus.SUSPENDED),
)


def _cell(row: Tag, names: Sequence[str]) -> tuple[str, Tag | None]:
    for name in names:
        found = row.find(["td", "th"], attrs={"data-stat": name})
        if isinstance(found, Tag):
            return name, found
    return names[0], None


def _text(cell: Tag | None) -> str:
    return " ".join(cell.get_text(" ", strip=True).split()) if cell is not None else ""


def _href(cell: Tag | None, pattern: re.Pattern[str]) -> str | None:
    if cell is None:
        return None
    for link in cell.find_all("a", href=True):
        href = link.get("href")
        found = pattern.search(href) if isinstance(href, str) else None
        if found is not None:
            return found["id"]
    return None


class _Row:
    """One schedule row and how to name its cells in an error."""

    def __init__(self, row: Tag, where: str) -> None:
        self.row = row
        self.where = where

    def cell(self, *names: str) -> tuple[str, Tag | None]:
        return _cell(self.row, names)

    def path(self, name: str) -> str:
        return f"{self.where} td[data-stat={name}]"

    def error(self, name: str, message: str) -> Exception:
        return format_error(PROVIDER, self.path(name), message)


def _team(row: _Row, names: Sequence[str]) -> SourceTeam | None:
    _, cell = row.cell(*names)
    label = _text(cell)
    if not label:
        return None
    team_id = _href(cell, _SQUAD) or slugify(label)
    return SourceTeam(team_id, label)


def _kickoff(row: _Row) -> datetime:
    time_name, time_cell = row.cell(*TIME)
    if time_cell is not None:
        span = time_cell.find(True, attrs={"data-venue-epoch": True})
        epoch = span.get("data-venue-epoch") if isinstance(span, Tag) else None
        if isinstance(epoch, str):
            if not epoch.isdigit() or len(epoch) > 11:
                raise row.error(time_name, f"the kickoff time {epoch!r} is not a Unix time")
            return datetime.fromtimestamp(int(epoch), tz=UTC)
    date_name, date_cell = row.cell("date")
    day = _day(date_cell)
    if day is None:
        raise row.error(date_name, f"no date, got {_text(date_cell)!r}")
    clock = _clock(time_cell)
    return datetime.combine(day, clock or time(0, 0), tzinfo=UTC)


def _day(cell: Tag | None) -> date | None:
    if cell is None:
        return None
    sort_key = cell.get("csk")
    for text, pattern in ((sort_key, "%Y%m%d"), (_text(cell), "%Y-%m-%d")):
        if isinstance(text, str) and text:
            try:
                return datetime.strptime(text.strip(), pattern).date()
            except ValueError:
                continue
    return None


def _clock(cell: Tag | None) -> time | None:
    if cell is None:
        return None
    for text in (cell.get("csk"), _text(cell)):
        if isinstance(text, str):
            found = re.match(r"^(\d{1,2}):(\d{2})", text.strip())
            if found and int(found[1]) < 24 and int(found[2]) < 60:
                return time(int(found[1]), int(found[2]))
    return None


def _round(row: _Row) -> RoundInfo:
    phase = _text(row.cell("round")[1])
    gameweek = _text(row.cell("gameweek")[1])
    if gameweek:
        if not gameweek.isdigit():
            raise row.error("gameweek", f"a gameweek is a number, got {gameweek!r}")
        if phase.lower() in _REGULAR_SEASON:
            return RoundInfo(
                f"matchday-{gameweek}", f"Matchday {gameweek}", RoundKind.LEAGUE, gameweek
            )
        slug = f"{slugify(phase)}-{gameweek}"
        return RoundInfo(slug, f"{phase}, matchday {gameweek}", RoundKind.LEAGUE, slug)
    if phase and phase.lower() not in _REGULAR_SEASON:
        return RoundInfo(slugify(phase), phase, RoundKind.KNOCKOUT, slugify(phase))
    raise row.error("gameweek", "neither a gameweek nor a round")


def _state(row: _Row) -> tuple[MatchStatus, Score | None, Ending | None, Score | None]:
    score_text = _text(row.cell("score")[1])
    notes = _text(row.cell("notes")[1]).lower()
    if not score_text:
        for word, status in _UNPLAYED:
            if word in notes:
                return status, None, None, None
        return MatchStatus.SCHEDULED, None, None, None
    found = _SCORE.match(score_text)
    if found is None:
        raise row.error("score", f"not a score, got {score_text!r}")
    score = Score(int(found["h"]), int(found["a"]))
    if "awarded" in notes:
        return MatchStatus.AWARDED, score, None, None
    if (found["hp"] is None) != (found["ap"] is None):
        raise row.error("score", f"a shoot-out score needs both sides, got {score_text!r}")
    if found["hp"] is not None:
        shootout = Score(int(found["hp"]), int(found["ap"]))
        return MatchStatus.FINISHED, score, Ending.PENALTIES, shootout
    ended = Ending.EXTRA_TIME if "extra time" in notes else Ending.REGULAR
    return MatchStatus.FINISHED, score, ended, None


def _skipped(row: Tag) -> bool:
    classes: list[str] | str = row.get("class") or []
    return any(name in {"spacer", "thead", "over_header"} for name in classes)


def _parse_row(row: _Row) -> ParsedMatch | None:
    home, away = _team(row, HOME), _team(row, AWAY)
    if home is None or away is None:
        return None  # a spacer without the class, or a tie not drawn yet
    round_info = _round(row)
    status, score, ended, shootout = _state(row)
    match_id = _href(row.cell("match_report")[1], _MATCH) or _href(row.cell("score")[1], _MATCH)
    if match_id is None:
        match_id = f"{home.external_id}-{away.external_id}-{round_info.slug}"
    return ParsedMatch(
        round=round_info,
        home=home,
        away=away,
        observation=Observation(
            external_id=match_id,
            status=status,
            score=score,
            ended=ended,
            shootout=shootout,
            kickoff=_kickoff(row),
        ),
    )


def _schedule_rows(soup: BeautifulSoup) -> tuple[str, list[Tag]]:
    tables = [t for t in soup.find_all("table") if isinstance(t, Tag)]
    for table in tables:
        table_id = table.get("id")
        if isinstance(table_id, str) and "sched" in table_id:
            rows = [r for r in table.select("tbody tr") if isinstance(r, Tag)]
            return f"table#{table_id} tbody", rows
    if tables:
        raise format_error(
            PROVIDER, "table[id*=sched]", "no schedule table (a table whose id contains 'sched')"
        )
    # A saved fragment of the schedule table: its tbody, or its rows.
    rows = [r for r in soup.find_all("tr") if isinstance(r, Tag)]
    home_cell = re.compile("^(" + "|".join(HOME) + ")$")
    if not any(r.find(True, attrs={"data-stat": home_cell}) for r in rows):
        raise format_error(PROVIDER, "table[id*=sched]", "no schedule table or schedule rows")
    return "tbody", rows


def parse_page(raw: bytes | str) -> list[ParsedMatch]:
    """The matches of an FBref schedule page (or a saved fragment of its table)."""
    soup = BeautifulSoup(decode_text(PROVIDER, raw), "html.parser")
    where, rows = _schedule_rows(soup)
    matches = []
    for index, row in enumerate(rows):
        if _skipped(row):
            continue
        parsed = _parse_row(_Row(row, f"{where} tr[{index}]"))
        if parsed is not None:
            matches.append(parsed)
    if not matches:
        raise format_error(PROVIDER, f"{where} tr", "no matches in the schedule")
    return matches
