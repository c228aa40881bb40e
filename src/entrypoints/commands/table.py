"""`bestshot table FILE`: a league table from a results file, with a competition's rules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from adapters.files.results_file import read_divisions, read_results_file
from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings import (
    PRESETS,
    Competition,
    KnockoutRound,
    MatchResult,
    Rules,
    Season,
    StandingsRow,
    Table,
    Unresolved,
    Zone,
    ZoneStatus,
    competition,
    compute_divisions,
    compute_standings,
    knockout,
    parse_zones,
    progress,
    third_placed,
    with_points,
)
from entrypoints.commands import HELP

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "table",
        help=HELP["table"],
        description=(
            "Compute the table(s) of a competition from an openfootball JSON file or a"
            " football-data.co.uk CSV, with the tie-break rules of a preset."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="openfootball JSON or football-data.co.uk CSV")
    parser.add_argument(
        "--rules",
        metavar="PRESET",
        type=_argument(competition),
        default=competition("premier_league"),
        help=(
            "the competition whose rules apply, in the era of the season (default"
            f" premier_league): {', '.join(sorted(PRESETS))}"
        ),
    )
    parser.add_argument(
        "--season",
        metavar="SEASON",
        help=(
            "the season whose rules apply (1995-96, or 2023 for a calendar-year competition);"
            " default: the season of the earliest match"
        ),
    )
    parser.add_argument(
        "--deduct",
        metavar="TEAM=POINTS",
        type=_argument(_deduction),
        action="append",
        default=[],
        help="deduct POINTS from TEAM (as named in FILE); repeatable",
    )
    parser.add_argument(
        "--adjust",
        metavar="TEAM=N",
        type=_argument(_adjustment),
        action="append",
        default=[],
        help="add N points to TEAM, signed (-10 deducts, +3 adds); repeatable",
    )
    parser.add_argument(
        "--points",
        metavar="W,D,L",
        type=_argument(_points),
        help="points for a win, a draw and a loss (default 3,1,0; 2,1,0 for old seasons)",
    )
    parser.add_argument(
        "--zones",
        metavar="SPEC",
        type=_argument(parse_zones),
        nargs="?",
        const=(),
        default=(),
        help=(
            "zones by position, e.g. 1:champion,1-4:champions_league,18-20:relegation;"
            " GROUP:1-2:qualified for one group only; without SPEC, none"
        ),
    )
    parser.add_argument(
        "--divisions",
        metavar="FILE",
        help=(
            'divisions as JSON, {"East": [TEAM, ...], "West": [...]}: a table for each, over all'
            " of its teams' matches, after the league's; zones as East:1-6:playoffs"
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the tables as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data = read_results_file(args.file)
    league, fixed = args.rules
    season = _season(league, args.season, data.matches)
    era = fixed or (league.era(season) if season is not None else league.current)
    rules: Rules = era.rules
    if args.points is not None:
        rules = with_points(rules, *args.points)
    known = {team.id for team in data.teams}
    adjustments: dict[str, int] = {}
    for team, points in args.deduct:
        if team not in known:
            raise InvalidInput(f"--deduct: no team {team!r} in {args.file}")
        adjustments[team] = adjustments.get(team, 0) - points
    for team, points in args.adjust:
        if team not in known:
            raise InvalidInput(f"--adjust: no team {team!r} in {args.file}")
        adjustments[team] = adjustments.get(team, 0) + points
    zones: tuple[Zone, ...] = args.zones
    if args.divisions is not None:
        divisions = read_divisions(args.divisions)
        tables = compute_divisions(
            rules, data.teams, data.matches, divisions, adjustments=adjustments, zones=zones
        )
    else:
        tables = compute_standings(rules, data.teams, data.matches, adjustments, zones)
    grouped = [table for table in tables if table.group is not None]
    if era.thirds is not None and len(grouped) > 1:
        tables = (*tables, third_placed(era.thirds, grouped, data.matches))
    bracket = knockout(data.knockout, away_goals=era.away_goals)
    if args.json:
        output: dict[str, Any] = {
            "season": None if season is None else str(season),
            "era": era.name,
            "tables": [table.to_dict() for table in tables],
        }
        if bracket:
            output["knockout"] = [stage.to_dict() for stage in bracket]
            output["progress"] = progress(bracket, [team.id for team in data.teams])
        json.dump(output, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        label = league.name if era is league.current else f"{league.name}, era {era.name}"
        title = f"{data.name} ({label})" if data.name else label
        sys.stdout.write(render(title, tables, with_zones=bool(zones)))
        if bracket:
            sys.stdout.write("\n" + render_knockout(bracket))
    return 0


def _season(
    league: Competition, given: str | None, matches: Sequence[MatchResult]
) -> Season | None:
    """The season named by --season, else that of the earliest dated match, else None."""
    if given is not None:
        return league.parse_season(given)
    days = [match.kickoff for match in matches if match.kickoff is not None]
    return league.season_of(min(days).date()) if days else None


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """argparse reports ArgumentTypeError as a usage error: one line, exit status 2."""

    def convert(value: str) -> T:
        try:
            return parse(value)
        except InvalidInput as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _deduction(value: str) -> tuple[str, int]:
    team, equals, points = value.rpartition("=")
    if not equals or not team.strip():
        raise InvalidInput(f"expected TEAM=POINTS, got {value!r}")
    try:
        amount = int(points)
    except ValueError:
        raise InvalidInput(f"expected TEAM=POINTS with whole POINTS, got {value!r}") from None
    if amount <= 0:
        raise InvalidInput(f"POINTS to deduct must be positive, got {value!r}")
    return team.strip(), amount


def _adjustment(value: str) -> tuple[str, int]:
    team, equals, points = value.rpartition("=")
    if not equals or not team.strip() or points.strip()[:1] not in {"+", "-"}:
        raise InvalidInput(f"expected TEAM=N with a signed N (-10, +3), got {value!r}")
    try:
        return team.strip(), int(points)
    except ValueError:
        raise InvalidInput(f"expected TEAM=N with a signed whole N, got {value!r}") from None


def _points(value: str) -> tuple[int, int, int]:
    parts = value.split(",")
    try:
        win, draw, loss = (int(part) for part in parts)
    except ValueError:
        raise InvalidInput(f"expected W,D,L as three whole numbers, got {value!r}") from None
    if not win > draw >= loss:
        raise InvalidInput(f"points must be win > draw >= loss, got {value!r}")
    return win, draw, loss


# Human output.

_HEADERS = ("Pos", "Team", "P", "W", "D", "L", "GF", "GA", "GD", "Pts", "Form")
_UNRESOLVED = {str(label) for label in Unresolved}


def describe(criterion: str) -> str:
    """`head_to_head_away_goals` -> `head-to-head away goals`."""
    return (
        criterion.replace("head_to_head_", "head-to-head ")
        .replace("play_off", "play-off")
        .replace("_", " ")
    )


def render(title: str, tables: Sequence[Table], *, with_zones: bool) -> str:
    blocks = [title]
    for table in tables:
        across_groups = table.qualifying is not None
        blocks.append(_render_table(table, with_zones=with_zones or across_groups))
    return "\n\n".join(blocks) + "\n"


def render_knockout(rounds: Sequence[KnockoutRound]) -> str:
    """Each round's ties: the teams, the aggregate, the winner and how."""
    blocks = []
    for stage in rounds:
        lines = [stage.name]
        for tie in stage.ties:
            home, away = tie.teams
            score = "-" if tie.aggregate is None else f"{tie.aggregate[0]}-{tie.aggregate[1]}"
            legs = " on aggregate" if tie.legs == 2 else ""
            result = f"{tie.winner} ({describe(tie.decided_by or '')})" if tie.winner else "open"
            lines.append(f"  {home} {score} {away}{legs}: {result}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _render_table(table: Table, *, with_zones: bool) -> str:
    lines: list[list[str]] = [list(_HEADERS) + (["Zone"] if with_zones else [])]
    for row in table.rows:
        cells = [
            str(row.position) + ("=" if row.tied else ""),
            row.name,
            str(row.played),
            str(row.won),
            str(row.drawn),
            str(row.lost),
            str(row.goals_for),
            str(row.goals_against),
            f"{row.goal_difference:+d}" if row.goal_difference else "0",
            str(row.points),
            row.form or "-",
        ]
        if with_zones:
            cells.append(_zone_cell(row))
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    left = {1, 10, 11}  # team, form and zone read better aligned left
    text = [
        "  ".join(
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in lines
    ]
    if table.group:
        text.insert(0, table.group)
    legend = _legend(table.rows)
    if legend:
        text += ["", *legend]
    return "\n".join(text)


def _zone_cell(row: StandingsRow) -> str:
    if row.from_group is not None:
        slot = f" v {row.slot}" if row.slot else ""
        return f"{row.from_group}: {row.zone}{slot}" if row.zone else row.from_group
    if row.zone is None:
        return ""
    status = row.zones.get(row.zone, ZoneStatus.OPEN)
    return row.zone if status is ZoneStatus.OPEN else f"{row.zone} ({status})"


def _legend(rows: Sequence[StandingsRow]) -> list[str]:
    """One line per decision not made on points, and one per run of rows left level."""
    lines = []
    position = 0
    while position < len(rows) - 1:
        row, below = rows[position], rows[position + 1]
        decided_by = row.decided_by or ""
        if decided_by in _UNRESOLVED:
            end = position + 1
            while end < len(rows) - 1 and rows[end].decided_by == decided_by:
                end += 1
            names = ", ".join(r.name for r in rows[position : end + 1])
            lines.append(f"{names}: level on every criterion; {describe(decided_by)} to decide")
            position = end
            continue
        if decided_by != "points":
            lines.append(f"{row.name} above {below.name} on {describe(decided_by)}")
        position += 1
    return lines
