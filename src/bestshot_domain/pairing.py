"""Which match of one provider is which match of another: same teams, kickoff within a
tolerance, and no other candidate on either side. Never a guess: a match with two candidates
(or none) is unpaired. README, "Fallback provider and verified finals".

Team names are compared normalized (`normalize`): folded to ASCII, case-folded, punctuation
gone, and a club suffix or prefix such as FC or CF dropped (only those few, and only at either
end: "FC Dallas" is "dallas", "Dallas Cowboys" stays). A tournament's alias table maps the
names the normalization cannot reconcile ("Man Utd" -> "Manchester United").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from attrs import frozen

from bestshot_domain.text import fold

_AFFIXES = frozenset({"fc", "cf", "afc", "sc", "fk"})
"""Words that name a club's form, not the club; dropped at either end of a name."""

_NOT_WORD = re.compile(r"[^0-9a-z]+")

ALIASES_MAX = 500
ALIAS_LENGTH_MAX = 100


def normalize(name: str) -> str:
    """`name` as names are compared: "CF Montréal" -> "montreal", "Chicago Fire FC" ->
    "chicago fire". A name of nothing but affixes keeps them ("FC" -> "fc")."""
    words = _NOT_WORD.sub(" ", fold(name.replace("&", " and ")).casefold()).split()
    trimmed = list(words)
    while len(trimmed) > 1 and trimmed[0] in _AFFIXES:
        trimmed.pop(0)
    while len(trimmed) > 1 and trimmed[-1] in _AFFIXES:
        trimmed.pop()
    return " ".join(trimmed)


def alias_table(aliases: Mapping[str, str]) -> dict[str, str]:
    """An alias table (name as a provider writes it -> the name it means), normalized."""
    return {normalize(alias): normalize(target) for alias, target in aliases.items()}


def canonical(name: str, table: Mapping[str, str]) -> str:
    """The normalized name, through a normalized alias table (`alias_table`)."""
    normalized = normalize(name)
    return table.get(normalized, normalized)


@frozen
class Fixture:
    """A match as pairing sees it: its key, its teams' names and its kickoff."""

    key: str
    home: str
    away: str
    kickoff: datetime


@frozen
class Pairing:
    pairs: tuple[tuple[str, str], ...]  # (left key, right key), in the order of `left`
    unpaired: tuple[str, ...]  # left keys with no single candidate


def pair(
    left: Sequence[Fixture],
    right: Sequence[Fixture],
    *,
    aliases: Mapping[str, str],
    tolerance: timedelta,
) -> Pairing:
    """Pair each match of `left` with the one match of `right` with the same home and away
    teams (canonical names) and a kickoff within `tolerance`, when that match has no other
    such candidate in `left` either. Symmetric: swapping the sides swaps every pair."""
    table = alias_table(aliases)

    def teams(fixture: Fixture) -> tuple[str, str]:
        return canonical(fixture.home, table), canonical(fixture.away, table)

    by_teams: dict[tuple[str, str], list[Fixture]] = defaultdict(list)
    for fixture in right:
        by_teams[teams(fixture)].append(fixture)
    candidates: dict[str, list[str]] = {}
    claimed: dict[str, int] = defaultdict(int)
    for fixture in left:
        near = [
            other.key
            for other in by_teams.get(teams(fixture), ())
            if abs(other.kickoff - fixture.kickoff) <= tolerance
        ]
        candidates[fixture.key] = near
        for key in near:
            claimed[key] += 1
    pairs, unpaired = [], []
    for fixture in left:
        near = candidates[fixture.key]
        if len(near) == 1 and claimed[near[0]] == 1:
            pairs.append((fixture.key, near[0]))
        else:
            unpaired.append(fixture.key)
    return Pairing(tuple(pairs), tuple(unpaired))
