"""The data-provider routes a schedule calls: templates for the API, builders and parsers."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

API_PREFIX = "/api/v2"
DATA_PROVIDER = f"{API_PREFIX}/data-provider"
SCHEDULER_ROUTE = f"{DATA_PROVIDER}/scheduler"
# Starlette templates: `{tournament}` and `{round}` are path parameters.
ROUND_ROUTE = f"{DATA_PROVIDER}/tournaments/{{tournament}}/matches/{{round}}"
STANDINGS_ROUTE = f"{DATA_PROVIDER}/tournaments/{{tournament}}/standings"

_SEGMENT = r"[^/]+"
_ROUND = re.compile(
    f"{re.escape(DATA_PROVIDER)}/tournaments/(?P<tournament>{_SEGMENT})/matches/(?P<round>{_SEGMENT})"
)
_STANDINGS = re.compile(
    f"{re.escape(DATA_PROVIDER)}/tournaments/(?P<tournament>{_SEGMENT})/standings"
)
_BAD_SEGMENTS = {"", ".", ".."}


def _quoted(segment: str) -> str:
    if segment in _BAD_SEGMENTS:
        raise ValueError(f"not a path segment: {segment!r}")
    return quote(segment, safe="")


def round_path(tournament_id: str, round_slug: str) -> str:
    """The path that updates one round, each part quoted as one segment."""
    return ROUND_ROUTE.format(tournament=_quoted(tournament_id), round=_quoted(round_slug))


def standings_path(tournament_id: str) -> str:
    """The path that recomputes a tournament's tables."""
    return STANDINGS_ROUTE.format(tournament=_quoted(tournament_id))


def _segment(raw: str) -> str | None:
    value = unquote(raw)
    if value in _BAD_SEGMENTS or "/" in value or "\\" in value:
        return None
    return value


def parse_round_path(path: str) -> tuple[str, str] | None:
    """(tournament, round) of a round path, unquoted; None for any other path."""
    found = _ROUND.fullmatch(path)
    if found is None:
        return None
    tournament, round_slug = _segment(found["tournament"]), _segment(found["round"])
    if tournament is None or round_slug is None:
        return None
    return tournament, round_slug


def parse_standings_path(path: str) -> str | None:
    """The tournament of a standings path, unquoted; None for any other path."""
    found = _STANDINGS.fullmatch(path)
    return None if found is None else _segment(found["tournament"])
