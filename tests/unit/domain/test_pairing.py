"""Pairing matches across providers: normalized names, aliases, kickoff tolerance; never a
guess."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.pairing import Fixture, alias_table, canonical, normalize, pair
from tests.builders import T0

TOLERANCE = timedelta(minutes=60)
NAMES = ["Arsenal", "Chelsea FC", "CF Montréal", "Real Madrid CF", "AFC Wimbledon", "Lyon"]


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("CF Montréal", "montreal"),
        ("Chicago Fire FC", "chicago fire"),
        ("  New York City FC ", "new york city"),
        ("Brighton & Hove Albion", "brighton and hove albion"),
        ("FC", "fc"),  # nothing but an affix: kept
        ("Atlético-MG", "atletico mg"),
        ("St. Pauli", "st pauli"),
        ("Fcb Juniors", "fcb juniors"),  # a word that starts like an affix is a word
        ("Dallas FC Academy", "dallas fc academy"),  # only at either end
    ],
)
def test_names_normalize_conservatively(written: str, normalized: str) -> None:
    assert normalize(written) == normalized


def test_an_alias_maps_a_name_to_the_one_it_means_whatever_its_spelling() -> None:
    table = alias_table({"Man Utd": "Manchester United FC"})
    assert canonical("MAN UTD", table) == canonical("Manchester United", table)
    assert canonical("Man City", table) == "man city"


def fixture(key: str, home: str, away: str, minutes: int = 0) -> Fixture:
    return Fixture(key, home, away, T0 + timedelta(minutes=minutes))


def test_same_teams_near_kickoffs_pair_and_the_rest_is_unpaired() -> None:
    ours = [
        fixture("espn:1", "Chicago Fire FC", "Charlotte FC", 0),
        fixture("espn:2", "NY Red Bulls", "CF Montréal", 0),
        fixture("espn:3", "Austin FC", "Nashville SC", 0),
    ]
    theirs = [
        fixture("fd:9", "Chicago Fire", "Charlotte", 15),
        fixture("fd:8", "New York Red Bulls", "CF Montreal", 0),
        fixture("fd:7", "Austin", "Nashville", 61),  # too far apart
    ]
    found = pair(ours, theirs, aliases={}, tolerance=TOLERANCE)
    assert found.pairs == (("espn:1", "fd:9"),)
    assert found.unpaired == ("espn:2", "espn:3")
    aliased = pair(
        ours, theirs, aliases={"NY Red Bulls": "New York Red Bulls"}, tolerance=TOLERANCE
    )
    assert aliased.pairs == (("espn:1", "fd:9"), ("espn:2", "fd:8"))


def test_two_candidates_are_never_guessed_between() -> None:
    ours = [fixture("espn:1", "Lyon", "Arsenal")]
    theirs = [fixture("fd:1", "Lyon", "Arsenal", -10), fixture("fd:2", "Lyon", "Arsenal", 20)]
    assert pair(ours, theirs, aliases={}, tolerance=TOLERANCE).unpaired == ("espn:1",)
    # Two of ours for one of theirs: neither is paired.
    twice = [fixture("espn:1", "Lyon", "Arsenal"), fixture("espn:2", "Lyon", "Arsenal", 30)]
    found = pair(twice, theirs[:1], aliases={}, tolerance=TOLERANCE)
    assert (found.pairs, found.unpaired) == ((), ("espn:1", "espn:2"))


def test_home_and_away_are_not_swapped() -> None:
    found = pair(
        [fixture("espn:1", "Lyon", "Arsenal")],
        [fixture("fd:1", "Arsenal", "Lyon")],
        aliases={},
        tolerance=TOLERANCE,
    )
    assert found.unpaired == ("espn:1",)


@st.composite
def sides(draw: st.DrawFn, prefix: str) -> list[Fixture]:
    count = draw(st.integers(0, 6))
    return [
        Fixture(
            f"{prefix}:{index}",
            draw(st.sampled_from(NAMES)),
            draw(st.sampled_from(NAMES)),
            T0 + timedelta(minutes=draw(st.integers(-180, 180))),
        )
        for index in range(count)
    ]


ALIASES = st.dictionaries(
    st.sampled_from(["Man Utd", "Montreal Impact", "Arsenal"]), st.sampled_from(NAMES), max_size=2
)


@given(sides("l"), sides("r"), ALIASES, st.integers(0, 120))
def test_pairing_is_symmetric_one_to_one_and_only_pairs_what_matches(
    left: list[Fixture], right: list[Fixture], aliases: dict[str, str], minutes: int
) -> None:
    tolerance = timedelta(minutes=minutes)
    there = pair(left, right, aliases=aliases, tolerance=tolerance)
    back = pair(right, left, aliases=aliases, tolerance=tolerance)
    assert sorted(there.pairs) == sorted((b, a) for a, b in back.pairs)
    paired_left = [a for a, _ in there.pairs]
    paired_right = [b for _, b in there.pairs]
    assert len(set(paired_left)) == len(paired_left)
    assert len(set(paired_right)) == len(paired_right)  # never two matches to one
    assert sorted(paired_left + list(there.unpaired)) == sorted(f.key for f in left)
    table = alias_table(aliases)
    by_key = {f.key: f for f in left + right}
    for a, b in there.pairs:
        one, other = by_key[a], by_key[b]
        assert canonical(one.home, table) == canonical(other.home, table)
        assert canonical(one.away, table) == canonical(other.away, table)
        assert abs(one.kickoff - other.kickoff) <= tolerance


@given(sides("l"), st.integers(0, 120))
def test_a_copy_of_a_match_makes_it_unpaired(left: list[Fixture], minutes: int) -> None:
    tolerance = timedelta(minutes=minutes)
    right = [Fixture(f.key.replace("l:", "r:"), f.home, f.away, f.kickoff) for f in left]
    doubled = right + [Fixture(f.key + "-copy", f.home, f.away, f.kickoff) for f in right]
    assert pair(left, doubled, aliases={}, tolerance=tolerance).pairs == ()


@given(st.text(max_size=30))
def test_normalizing_is_idempotent(name: str) -> None:
    assert normalize(normalize(name)) == normalize(name)
