"""Follow-up names: valid, within 64 characters, keeping the time of the schedule they follow."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.follow_ups import follow_up_name
from bestshot_domain.scheduling import NAME_PATTERN


def test_follow_up_names_stay_within_64_characters_and_keep_the_time() -> None:
    assert follow_up_name("round_1", 12) == "round_1_f12"
    first = "brasileirao_serie_a_betano_matchday-37_2026_11_28_19_30"
    assert follow_up_name(first, 2) == first + "_f2"
    long_label = "campeonato_brasileiro_serie_a_betano_2026_matchday-37"
    a = f"{long_label}_2026_11_28_19_30"  # 64 characters: no room left for a suffix
    b = f"{long_label}_2026_11_28_19_35"
    c = f"{long_label[:-1]}8_2026_11_28_19_30"  # differs only in a part the shortening cuts
    names = [follow_up_name(origin, 1) for origin in (a, b, c)]
    assert len(set(names)) == 3
    for name in names:
        assert NAME_PATTERN.fullmatch(name)
        assert name.endswith("_f1")
    assert names[0].endswith("_2026_11_28_19_30_f1")
    assert names[1].endswith("_2026_11_28_19_35_f1")


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-.0123456789", min_size=1, max_size=64),
    st.integers(1, 99),
)
def test_follow_up_names_are_always_valid(origin: str, number: int) -> None:
    assert NAME_PATTERN.fullmatch(follow_up_name(origin, number))
