"""Hand-built leagues in a compact notation: `"A 2-1 B"` is a result, `"A - B"` a fixture."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from bestshot_domain.model import Cards
from bestshot_domain.standings import (
    MatchResult,
    Rules,
    Table,
    TeamEntry,
    Zone,
    compute_standings,
)

_RESULT = re.compile(r"^(\S+) (?:(\d+)-(\d+)|-) (\S+)$")
START = datetime(2024, 8, 1, 15, tzinfo=UTC)


def matches(*lines: str, group: str | None = None) -> list[MatchResult]:
    """Matches in the given order, a day apart."""
    built = []
    for day, line in enumerate(lines):
        found = _RESULT.match(line)
        assert found, line
        home, home_goals, away_goals, away = found.groups()
        built.append(
            MatchResult(
                home,
                away,
                None if home_goals is None else int(home_goals),
                None if away_goals is None else int(away_goals),
                kickoff=START + timedelta(days=day),
                group=group,
            )
        )
    return built


def with_cards(match: MatchResult, home: Cards, away: Cards) -> MatchResult:
    return MatchResult(
        match.home,
        match.away,
        match.home_goals,
        match.away_goals,
        kickoff=match.kickoff,
        home_cards=home,
        away_cards=away,
        group=match.group,
    )


def teams_of(results: Iterable[MatchResult]) -> list[TeamEntry]:
    names = sorted({team for m in results for team in (m.home, m.away)})
    return [TeamEntry(name, name) for name in names]


def table(
    rules: Rules,
    results: Sequence[MatchResult],
    adjustments: Mapping[str, int] | None = None,
    zones: Sequence[Zone] = (),
) -> Table:
    (only,) = compute_standings(rules, teams_of(results), results, adjustments, zones)
    return only


def order(result: Table) -> list[str]:
    return [row.team for row in result.rows]


def decided(result: Table) -> list[str | None]:
    return [row.decided_by for row in result.rows]
