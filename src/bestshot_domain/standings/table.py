"""The engine's output: ordered rows per table, plainly serializable for the API and storage."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from bestshot_domain.standings.zones import ZoneStatus

_NO_ZONES: Mapping[str, ZoneStatus] = MappingProxyType({})


def frozen_zones(value: Mapping[str, ZoneStatus]) -> Mapping[str, ZoneStatus]:
    """A read-only copy, as a row's `zones` should be."""
    return MappingProxyType({name: ZoneStatus(status) for name, status in value.items()})


class StandingsRow(NamedTuple):
    """One team's line.

    `decided_by` names the criterion that placed this row above the next one ("points",
    "head_to_head_points" ...), or what would decide it when the rules ran out ("play_off",
    "lots" ...); None on the last row. `tied` marks a row the rules could not separate from a
    neighbour: such rows are ordered by name, which decides nothing. `zone` is the zone the
    position is in now; `zones` holds a status for every zone of the table.
    """

    position: int
    team: str
    name: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int
    form: str
    decided_by: str | None = None
    tied: bool = False
    zone: str | None = None
    # Read-only (see `frozen_zones`); left out of the hash, since a mapping has none.
    zones: Mapping[str, ZoneStatus] = _NO_ZONES
    # In a ranking across groups: the row's own group, and the group winner it meets next.
    from_group: str | None = None
    slot: str | None = None

    def __hash__(self) -> int:
        return hash((*self[:_ZONES_AT], *self[_ZONES_AT + 1 :]))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "position": self.position,
            "team": self.team,
            "name": self.name,
            "played": self.played,
            "won": self.won,
            "drawn": self.drawn,
            "lost": self.lost,
            "goals_for": self.goals_for,
            "goals_against": self.goals_against,
            "goal_difference": self.goal_difference,
            "points": self.points,
            "form": self.form,
            "decided_by": self.decided_by,
            "tied": self.tied,
            "zone": self.zone,
            "zones": {name: str(status) for name, status in self.zones.items()},
        }
        if self.from_group is not None:
            data["from_group"] = self.from_group
            data["slot"] = self.slot
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "StandingsRow":
        return cls(
            position=data["position"],
            team=data["team"],
            name=data.get("name", data["team"]),
            played=data["played"],
            won=data["won"],
            drawn=data["drawn"],
            lost=data["lost"],
            goals_for=data["goals_for"],
            goals_against=data["goals_against"],
            goal_difference=data["goal_difference"],
            points=data["points"],
            form=data["form"],
            decided_by=data.get("decided_by"),
            tied=data.get("tied", False),
            zone=data.get("zone"),
            zones=frozen_zones(data.get("zones", {})),
            from_group=data.get("from_group"),
            slot=data.get("slot"),
        )


_ZONES_AT = StandingsRow._fields.index("zones")


class Table(NamedTuple):
    """One group's table (or the league's, with `group` None), rows in position order."""

    group: str | None
    rows: tuple[StandingsRow, ...]
    qualifying: int | None = None  # in a ranking across groups: how many go through

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"group": self.group}
        if self.qualifying is not None:
            data["qualifying"] = self.qualifying
        data["rows"] = [row.to_dict() for row in self.rows]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Table":
        rows = tuple(StandingsRow.from_dict(row) for row in data["rows"])
        return cls(data["group"], rows, data.get("qualifying"))

    def row(self, team: str) -> StandingsRow:
        """The row of a team id; KeyError when it is not in this table."""
        for row in self.rows:
            if row.team == team:
                return row
        raise KeyError(team)
