"""Zones of a table by position, and whether a team is sure to finish in or out of each.

A zone status is proved from points alone: a team's final points lie between what it has now
plus the fewest points its remaining fixtures can bring and what it has plus the most. Another
team can finish above it only if its best total reaches our worst total (a tie on points may go
either way, since goal difference can still change); it is sure to finish above only if its
worst total beats our best. The counts of those two sets bound the final position, and a status
is `clinched` or `eliminated` only when the whole range of positions is inside or outside the
zone. That proof is sound, though not complete: it does not know that two rivals who play each
other cannot both win, and it never relies on tie-breakers while fixtures remain, so it may say
`open` where an exhaustive search would decide. Once the table has no fixture left, positions are
final and every status is decided, except for rows the rules left tied across a zone's edge:
their play-off or lots are still to come, so they stay `open`.
"""

import enum
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Self

from bestshot_domain.errors import InvalidInput


class ZoneStatus(enum.StrEnum):
    CLINCHED = "clinched"
    ELIMINATED = "eliminated"
    OPEN = "open"


class _Zone(NamedTuple):
    name: str
    first: int
    last: int
    group: str | None = None


class Zone(_Zone):
    """Positions `first` to `last` (1-based, inclusive) of a table, or of one group's table."""

    # A subclass, since a NamedTuple's own body cannot check its values in `__new__`.
    __slots__ = ()

    def __new__(cls, name: str, first: int, last: int, group: str | None = None) -> "Zone":
        if not 1 <= first <= last:
            raise InvalidInput(f"zone {name!r}: positions must satisfy 1 <= first <= last")
        return super().__new__(cls, name, first, last, group)

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]
        # `_replace` builds through `_make`: a changed value is checked as a new one is.
        return cls(*iterable)

    def __contains__(self, position: object) -> bool:
        return isinstance(position, int) and self.first <= position <= self.last

    def applies_to(self, group: str | None) -> bool:
        return self.group is None or self.group == group

    def __str__(self) -> str:
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.group}:{span}:{self.name}" if self.group else f"{span}:{self.name}"


# Compiled by `re` at its first use (and kept): `bestshot table` without --zones never compiles it.
_ITEM = r"^(?:(?P<group>[^:]+):)?(?P<first>\d+)(?:-(?P<last>\d+))?:(?P<name>[A-Za-z_][\w-]*)$"


def parse_zones(spec: str) -> tuple[Zone, ...]:
    """Parse `1:champion,1-4:champions_league,18-20:relegation`.

    An item may name a group first (`Group A:1-2:qualified`); without one it applies to every
    table. An empty spec means no zones.
    """
    zones: list[Zone] = []
    seen: set[tuple[str | None, str]] = set()
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        match = re.fullmatch(_ITEM, item)
        if match is None:
            raise InvalidInput(
                f"malformed zone {item!r}: expected FIRST[-LAST]:NAME or GROUP:FIRST[-LAST]:NAME,"
                " e.g. 1-4:champions_league"
            )
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else first
        group = match["group"].strip() if match["group"] else None
        if first < 1 or last < first:
            raise InvalidInput(f"zone {item!r}: positions must satisfy 1 <= first <= last")
        if (group, match["name"]) in seen:
            raise InvalidInput(f"zone {match['name']!r} is named twice")
        seen.add((group, match["name"]))
        zones.append(Zone(match["name"], first, last, group))
    return tuple(zones)


def current_zone(position: int, zones: Sequence[Zone]) -> str | None:
    """The narrowest zone holding the position (`champion` inside `champions_league`)."""
    best: Zone | None = None
    for zone in zones:
        if position in zone and (best is None or zone.last - zone.first < best.last - best.first):
            best = zone
    return None if best is None else best.name


def position_bounds(
    worst_points: Sequence[int], best_points: Sequence[int]
) -> list[tuple[int, int]]:
    """For each team, the best and worst final position that points alone allow."""
    best_sorted = sorted(best_points)
    worst_sorted = sorted(worst_points)
    count = len(best_points)
    bounds = []
    for team in range(count):
        low, high = worst_points[team], best_points[team]
        # Rivals whose best reaches our worst may finish above; we are among them ourselves.
        may_be_above = count - bisect_left(best_sorted, low) - 1
        # Rivals whose worst beats our best surely finish above (never ourselves: low <= high).
        surely_above = count - bisect_left(worst_sorted, high + 1)
        bounds.append((1 + surely_above, 1 + may_be_above))
    return bounds


def status_from_bounds(zone: Zone, best: int, worst: int) -> ZoneStatus:
    if zone.first <= best and worst <= zone.last:
        return ZoneStatus.CLINCHED
    if worst < zone.first or best > zone.last:
        return ZoneStatus.ELIMINATED
    return ZoneStatus.OPEN
