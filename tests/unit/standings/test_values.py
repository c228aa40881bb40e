"""The engine's values: immutable, checked when made or changed, hashable, seasons in order."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings import (
    MatchResult,
    Overall,
    Season,
    StandingsRow,
    Stat,
    ThirdPlaceRule,
    Unresolved,
    Zone,
    ZoneStatus,
    preset,
)


def _row(**zones: ZoneStatus) -> StandingsRow:
    return StandingsRow(1, "a", "A", 1, 1, 0, 0, 2, 0, 2, 3, "W", zones=MappingProxyType(zones))


def test_a_changed_copy_is_checked_as_a_new_value_is() -> None:
    match = MatchResult("A", "B", 1, 0)
    assert match._replace(home_goals=2).home_goals == 2
    with pytest.raises(ValueError, match="non-negative"):
        match._replace(home_goals=-1)
    with pytest.raises(ValueError, match="both scores or neither"):
        match._replace(away_goals=None)
    with pytest.raises(InvalidInput, match="1 <= first <= last"):
        Zone("top", 1, 4)._replace(first=5)
    with pytest.raises(InvalidInput, match="points per result are integers"):
        preset("premier_league")._replace(win=True)


def test_a_value_cannot_be_changed_in_place() -> None:
    match = MatchResult("A", "B", 1, 0)
    with pytest.raises(AttributeError):
        match.home_goals = 5  # type: ignore[misc]
    assert match.home_goals == 1


def test_values_holding_a_mapping_hash_without_it() -> None:
    assert hash(_row(top=ZoneStatus.OPEN)) == hash(_row(top=ZoneStatus.CLINCHED))
    assert _row(top=ZoneStatus.OPEN) != _row(top=ZoneStatus.CLINCHED)
    assert len({_row(), _row()}) == 1
    criteria = (Overall(Stat.POINTS),)
    rule = ThirdPlaceRule(4, criteria, Unresolved.LOTS, ("1A",), MappingProxyType({"AB": "BA"}))
    assert hash(rule) == hash(rule._replace(slots=MappingProxyType({})))
    assert rule != rule._replace(slots=MappingProxyType({}))


@given(st.integers(1900, 2100), st.integers(1900, 2100), st.booleans(), st.booleans())
def test_seasons_are_ordered_by_their_start_alone(
    first: int, second: int, split: bool, other_split: bool
) -> None:
    a, b = Season(first, split), Season(second, other_split)
    assert (a < b, a <= b, a > b, a >= b) == (
        first < second,
        first <= second,
        first > second,
        first >= second,
    )
    assert (a == b) == (first == second and split == other_split)
