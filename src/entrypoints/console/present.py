"""How the console words and formats what the reads answer: zones, criteria, knockout ties,
disputes' answers, times, form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings import parse_zones
from entrypoints.api.schemas.matches import ScoreOut

# The engine's criteria (`StandingsRow.decided_by`) as a reader says them.
_CRITERIA = {
    "points": "points",
    "goal_difference": "goal difference",
    "goals_for": "goals scored",
    "away_goals": "away goals scored",
    "wins": "wins",
    "away_wins": "away wins",
    "head_to_head_points": "head-to-head points",
    "head_to_head_goal_difference": "head-to-head goal difference",
    "head_to_head_goals_for": "head-to-head goals scored",
    "head_to_head_away_goals": "head-to-head away goals",
    "fair_play": "fair play (cards)",
    "play_off": "a play-off, still to be played",
    "lots": "drawing lots, still to be done",
}

# How a knockout tie was decided (`TieOut.decided_by`), after "won ...".
_DECIDED = {
    "score": "on the score",
    "aggregate": "on aggregate",
    "away_goals": "on away goals",
    "extra_time": "after extra time",
    "penalties": "on penalties",
}

_RESULTS = {"W": ("won", "win"), "D": ("drew", "draw"), "L": ("lost", "loss")}


def zone_index(spec: str) -> dict[str, int]:
    """Each zone's colour (0-5), by the order zones are first named in the tournament's spec:
    the legend, the rows and the chart's bands agree."""
    try:
        zones = parse_zones(spec)
    except InvalidInput:  # stored specs were checked at import; show no colours otherwise
        return {}
    index: dict[str, int] = {}
    for zone in zones:
        index.setdefault(zone.name, len(index) % 6)
    return index


def zone_label(name: str | None) -> str:
    return "" if name is None else name.replace("_", " ")


def criterion(decided_by: str | None) -> str:
    if decided_by is None:
        return ""
    return _CRITERIA.get(decided_by, decided_by.replace("_", " "))


def decided(decided_by: str | None) -> str:
    if decided_by is None:
        return ""
    return _DECIDED.get(decided_by, decided_by.replace("_", " "))


def answer(status: str, score: ScoreOut | None, shootout: ScoreOut | None) -> str:
    """A provider's answer in a dispute: `finished 2-1 (4-3 on penalties)`, with en dashes."""
    words = str(status)
    if score is not None:
        words += f" {score.home}\u2013{score.away}"
    if shootout is not None:
        words += f" ({shootout.home}\u2013{shootout.away} on penalties)"
    return words


def form(letters: str) -> list[tuple[str, str, str]]:
    """Each result of a form string: the letter, its CSS class and a word for it."""
    return [(letter, *_RESULTS.get(letter, ("?", "unknown"))[::-1]) for letter in letters]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(moment: datetime | None, time_zone: str = "UTC") -> str:
    """`Sat 5 Dec 2026 15:00 GMT`, in the named zone; empty for none."""
    if moment is None:
        return ""
    shown = moment.astimezone(zone(time_zone))
    return f"{shown:%a} {shown.day} {shown:%b %Y %H:%M} {shown.tzname()}"


def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()
