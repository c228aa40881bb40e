"""The regex of a number range that the document states where JSON Schema has no minimum for a
string (the years of `?date=`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.api.schemas.common import number_range_pattern


@given(
    bounds=st.lists(st.integers(0, 9999), min_size=2, max_size=2).map(sorted),
    number=st.integers(0, 9999),
)
def test_the_pattern_matches_exactly_the_numbers_of_the_range(
    bounds: list[int], number: int
) -> None:
    low, high = bounds
    pattern = re.compile(number_range_pattern(low, high, 4))
    assert (pattern.fullmatch(f"{number:04d}") is not None) == (low <= number <= high)
    # Its own ends, whatever `number` was drawn.
    assert pattern.fullmatch(f"{low:04d}")
    assert pattern.fullmatch(f"{high:04d}")


@pytest.mark.parametrize(("low", "high"), [(5, 4), (-1, 3), (0, 10_000)])
def test_no_pattern_for_what_is_no_range(low: int, high: int) -> None:
    with pytest.raises(ValueError, match="no range"):
        number_range_pattern(low, high, 4)
