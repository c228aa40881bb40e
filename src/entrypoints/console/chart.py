"""The positions chart's geometry: a server-rendered SVG (no chart library in the browser).

Position 1 is at the top; each team is a polyline through its position after each round, named
at its end; each zone of the table is a band behind the lines, named at its left edge.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from attrs import frozen

from bestshot_domain.positions import PositionSeries

ROW = 24  # pixels per position
LEFT = 44  # the axis of positions
RIGHT = 190  # the teams' names at the end of their lines
TOP = 16
BOTTOM = 40  # the axis of rounds
MIN_STEP = 18  # pixels per round, at least
PLOT_WIDTH = 720


@frozen
class Band:
    y: float
    height: float
    zone: str
    css: str  # zone-N: the zone's colour, as the standings page's legend has it


@frozen
class Line:
    team: str
    name: str
    points: str  # the polyline's, "x,y x,y ..."
    end_x: float
    end_y: float
    position: int  # after the last round
    colour: int  # 0-9: the stroke's colour class
    chosen: bool


@frozen
class Tick:
    at: float
    label: str


@frozen
class Chart:
    width: float
    height: float
    left: float
    right_edge: float
    top: float
    bottom_edge: float
    bands: tuple[Band, ...]
    lines: tuple[Line, ...]
    rounds: tuple[Tick, ...]
    positions: tuple[Tick, ...]
    chosen: bool  # some teams are chosen: the others are drawn faint


def chart(
    series: PositionSeries, zone_index: Mapping[str, int], chosen: Collection[str] = ()
) -> Chart:
    teams = series.size
    count = len(series.rounds)
    step = max(MIN_STEP, PLOT_WIDTH / max(count - 1, 1))
    plot_width = step * max(count - 1, 1)
    height = TOP + ROW * max(teams - 1, 1) + BOTTOM

    def x(index: int) -> float:
        return round(LEFT + index * step, 1)

    def y(position: float) -> float:
        return round(TOP + (position - 1) * ROW, 1)

    # The widest first, so a zone inside another (the champion within the Champions League
    # places) is drawn over it.
    bands = sorted(
        (
            Band(
                y(zone.first - 0.5),
                (min(zone.last, teams) - zone.first + 1) * ROW,
                zone.name,
                f"zone-{zone_index.get(zone.name, 0)}",
            )
            for zone in series.zones
            if zone.first <= teams
        ),
        key=lambda band: -band.height,
    )
    lines = tuple(
        Line(
            path.team,
            path.name,
            " ".join(f"{x(i)},{y(p)}" for i, p in enumerate(path.positions)),
            x(len(path.positions) - 1),
            y(path.positions[-1]),
            path.positions[-1],
            index % 10,
            path.team in chosen,
        )
        for index, path in enumerate(series.teams)
        if path.positions
    )
    every = max(1, count // 19 + 1)  # at most about twenty round labels
    rounds = tuple(Tick(x(i), str(i + 1)) for i in range(count) if i % every == 0 or i == count - 1)
    positions = tuple(Tick(y(p), str(p)) for p in range(1, teams + 1))
    return Chart(
        width=LEFT + plot_width + RIGHT,
        height=height,
        left=LEFT,
        right_edge=LEFT + plot_width,
        top=TOP,
        bottom_edge=y(teams),
        bands=tuple(bands),
        lines=lines,
        rounds=rounds,
        positions=positions,
        chosen=any(line.chosen for line in lines),
    )
