"""Zones by position, and statuses that no completion of the remaining fixtures contradicts."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import assume, given, settings, target
from hypothesis import strategies as st

from bestshot_domain.errors import InvalidInput
from bestshot_domain.standings import (
    MatchResult,
    Rules,
    TeamEntry,
    Zone,
    ZoneStatus,
    compute_standings,
    parse_zones,
    preset,
)
from tests.unit.standings.build import matches, table, teams_of
from tests.unit.standings.strategies import leagues, presets, seasons_in_progress

CLINCHED, ELIMINATED, OPEN = ZoneStatus.CLINCHED, ZoneStatus.ELIMINATED, ZoneStatus.OPEN


def test_parse_zones() -> None:
    assert parse_zones("1:champion, 1-4:champions_league,18-20:relegation") == (
        Zone("champion", 1, 1),
        Zone("champions_league", 1, 4),
        Zone("relegation", 18, 20),
    )
    assert parse_zones("Group A:1-2:qualified") == (Zone("qualified", 1, 2, "Group A"),)
    assert parse_zones("") == ()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("champion", "malformed zone 'champion'"),
        ("1-:x", "malformed zone"),
        ("0:x", "1 <= first <= last"),
        ("4-2:x", "1 <= first <= last"),
        ("1:x,2:x", "named twice"),
    ],
)
def test_parse_zones_rejects_nonsense(spec: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_zones(spec)


def test_a_zone_past_the_table_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="goes past the 2 teams"):
        table(preset("premier_league"), matches("A 1-0 B"), zones=parse_zones("2-3:down"))


def test_a_zone_of_an_unknown_group_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="names a group that is not here"):
        table(preset("premier_league"), matches("A 1-0 B"), zones=parse_zones("Group Z:1:x"))


def test_the_current_zone_is_the_narrowest() -> None:
    zones = parse_zones("1-2:europe,1:champion,4:relegation")
    result = table(preset("premier_league"), matches("A 1-0 B", "B 1-0 C", "C 1-0 D"), zones=zones)
    assert [row.zone for row in result.rows] == ["champion", "europe", None, "relegation"]


def test_statuses_from_the_remaining_fixtures() -> None:
    zones = parse_zones("1:champion,4:relegation")
    lines = ("A 1-0 B", "A 1-0 C", "A 1-0 D", "B 1-0 C", "B 1-0 D", "C 1-0 D", "A 2-0 B")
    # A 12, B 6, C 3, D 0, with C still to play A and B: B can reach 9 at most, so A is
    # champion; D has no game left and C already has more: D finishes last.
    running = table(preset("premier_league"), matches(*lines, "B - C", "A - C"), zones=zones)
    statuses = {row.team: dict(row.zones) for row in running.rows}
    assert statuses["A"] == {"champion": CLINCHED, "relegation": ELIMINATED}
    assert statuses["D"] == {"champion": ELIMINATED, "relegation": CLINCHED}
    assert statuses["B"] == {"champion": ELIMINATED, "relegation": ELIMINATED}
    assert statuses["C"] == {"champion": ELIMINATED, "relegation": ELIMINATED}
    # Two fixtures for D against C: C (3) can still be caught on points by D (0 + 6).
    two_left = table(preset("premier_league"), matches(*lines, "D - C", "C - D"), zones=zones)
    assert two_left.row("C").zones["relegation"] == OPEN
    assert two_left.row("D").zones["relegation"] == OPEN


def test_a_tie_on_points_still_possible_keeps_a_zone_open() -> None:
    # B (3) can reach A's 6 with one win: goal difference could go either way.
    result = table(
        preset("premier_league"),
        matches("A 1-0 C", "A 1-0 B", "B 1-0 C", "B - C"),
        zones=parse_zones("1:champion"),
    )
    assert result.row("A").zones["champion"] == OPEN


def test_group_zones_apply_to_their_group() -> None:
    teams = [TeamEntry(t, t, "Group A" if t in "AB" else "Group B") for t in "ABCD"]
    played = matches("A 1-0 B", "C 1-0 D")
    zones = parse_zones("1:winner,Group B:2:runner_up")
    group_a, group_b = compute_standings(preset("fifa_world_cup"), teams, played, zones=zones)
    assert dict(group_a.row("A").zones) == {"winner": CLINCHED}
    assert dict(group_b.row("D").zones) == {"winner": ELIMINATED, "runner_up": CLINCHED}


SCORES = ((0, 0), (1, 0), (0, 1), (3, 0), (0, 3))
Claim = tuple[str, Zone, ZoneStatus]


def checked_claims(
    rules: Rules,
    teams: Sequence[TeamEntry],
    played: list[MatchResult],
    fixtures: list[MatchResult],
    zones: tuple[Zone, ...],
    adjustments: Mapping[str, int] | None = None,
) -> list[Claim]:
    """The statuses proved now (clinched or eliminated), each checked against every completion
    of the remaining fixtures by brute force (a win, a draw and a loss, by one goal and by three,
    for each); the claims that zones covering the whole table make are left out, as trivial."""
    (now,) = compute_standings(rules, teams, played + fixtures, adjustments, zones=zones)
    claims = [
        (row.team, zone, row.zones[zone.name])
        for row in now.rows
        for zone in zones
        if row.zones[zone.name] is not OPEN and (zone.first, zone.last) != (1, len(teams))
    ]
    for outcome in itertools.product(SCORES, repeat=len(fixtures)):
        completed = [
            MatchResult(m.home, m.away, home, away, kickoff=m.kickoff)
            for m, (home, away) in zip(fixtures, outcome, strict=True)
        ]
        (final,) = compute_standings(rules, teams, played + completed, adjustments)
        position = {row.team: row.position for row in final.rows}
        for team, zone, status in claims:
            assert (position[team] in zone) == (status is CLINCHED), (team, zone, status, outcome)
    return claims


def test_a_deduction_decides_what_points_alone_left_open_and_every_completion_agrees() -> None:
    zones = parse_zones("1:champion,4:relegation")
    lines = ("A 1-0 B", "A 1-0 C", "A 1-0 D", "B 1-0 C", "B 1-0 D", "C 1-0 D", "A 2-0 B")
    played, fixtures = matches(*lines), matches("D - C", "C - D")
    teams = teams_of(played)
    rules = preset("premier_league")
    # A 12, B 6, C 3, D 0, with D and C still to meet twice: D can reach 6, level with B on
    # points (goal difference could go either way) and above C, so the bottom stays open.
    assert set(checked_claims(rules, teams, played, fixtures, zones)) == {
        ("A", zones[0], CLINCHED),
        ("B", zones[0], ELIMINATED),
        ("C", zones[0], ELIMINATED),
        ("D", zones[0], ELIMINATED),
        ("A", zones[1], ELIMINATED),
    }
    # Four points off D: at most 2, below C's 3 already. D is down, B and C are safe.
    decided = checked_claims(rules, teams, played, fixtures, zones, {"D": -4})
    assert {("D", zones[1], CLINCHED), ("C", zones[1], ELIMINATED)} <= set(decided)
    assert ("B", zones[1], ELIMINATED) in decided
    # Nine off A: A (3, no game left) cannot catch B (6), but B can be caught by C (3 + 6)
    # and D (0 + 6): the title is open again, for all three.
    opened = checked_claims(rules, teams, played, fixtures, zones, {"A": -9})
    assert ("A", zones[0], ELIMINATED) in opened
    assert not [claim for claim in opened if claim[1] == zones[0] and claim[0] in "BCD"]


def test_clinched_and_eliminated_with_fixtures_left_agree_with_every_completion() -> None:
    zones = parse_zones("1-2:promotion,5:relegation")
    played = matches(
        "A 3-0 E", "B 2-0 E", "A 1-0 C", "B 1-0 D", "C 1-1 D", "A 2-2 B", "C 2-0 E", "D 1-0 E"
    )
    fixtures = matches("A - D", "B - C", "E - C")
    claims = checked_claims(preset("la_liga"), teams_of(played), played, fixtures, zones)
    assert {(team, status) for team, zone, status in claims if zone.name == "relegation"} >= {
        ("E", CLINCHED),
        ("A", ELIMINATED),
        ("B", ELIMINATED),
    }
    # Promotion stays open for A to D (C can still reach A's and B's 7 + 3), not for E.
    assert [(team, status) for team, zone, status in claims if zone.name == "promotion"] == [
        ("E", ELIMINATED)
    ]


@settings(max_examples=150, deadline=None)
@given(presets, seasons_in_progress(), st.data())
def test_statuses_are_never_contradicted_by_any_completion(
    rules: Rules,
    season: tuple[list[TeamEntry], list[MatchResult], list[MatchResult]],
    data: st.DataObject,
) -> None:
    teams, played, fixtures = season
    size = len(teams)
    adjustments = data.draw(
        st.dictionaries(
            st.sampled_from([team.id for team in teams]),
            st.integers(-9, 3).filter(bool),
            max_size=2,
        ),
        label="adjustments",
    )
    zones = tuple(
        Zone(f"zone{i}", first, data.draw(st.integers(first, size)))
        for i, first in enumerate(data.draw(st.lists(st.integers(1, size), min_size=1, max_size=3)))
    )
    (now,) = compute_standings(rules, teams, played + fixtures, adjustments, zones=zones)
    decided = sum(
        row.zones[zone.name] is not OPEN
        for row in now.rows
        for zone in zones
        if (zone.first, zone.last) != (1, size)
    )
    # Only cases with something proved can contradict anything: about three in five of the
    # generated ones; `target` leans the search towards many claims at once.
    assume(decided > 0)
    target(float(decided), label="statuses proved")
    claims = checked_claims(rules, teams, played, fixtures, zones, adjustments)
    assert len(claims) == decided


@given(presets, leagues(fixtures=False), st.data())
def test_at_the_end_of_a_season_every_zone_is_decided(
    rules: Rules, league: tuple[list[TeamEntry], list[MatchResult]], data: st.DataObject
) -> None:
    teams, played = league
    size = len(teams)
    first = data.draw(st.integers(1, size))
    zone = Zone("zone", first, data.draw(st.integers(first, size)))
    (final,) = compute_standings(rules, teams, played, zones=(zone,))
    for row in final.rows:
        status = row.zones["zone"]
        if status is OPEN:
            # Only a run of rows left level across the zone's edge waits for its play-off.
            run = [r.position for r in final.rows if r.tied and r.points == row.points]
            assert row.tied
            assert any(p in zone for p in run)
            assert not all(p in zone for p in run)
        else:
            assert (row.position in zone) == (status is CLINCHED)
