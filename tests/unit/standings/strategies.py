"""hypothesis strategies: small leagues with results, fixtures and cards."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st

from bestshot_domain.model import Cards
from bestshot_domain.standings import PRESETS, MatchResult, Rules, TeamEntry
from tests.unit.standings.build import START

presets = st.sampled_from(sorted(PRESETS.values(), key=lambda rules: rules.name))
goals = st.integers(min_value=0, max_value=4)
cards = st.one_of(
    st.none(),
    st.builds(
        Cards,
        yellow=st.integers(0, 3),
        second_yellow_red=st.integers(0, 1),
        red=st.integers(0, 1),
        yellow_and_red=st.integers(0, 1),
    ),
)


@st.composite
def leagues(
    draw: st.DrawFn, min_teams: int = 2, max_teams: int = 6, fixtures: bool = True
) -> tuple[list[TeamEntry], list[MatchResult]]:
    """Teams with distinct names, and matches among them on a few days (so kickoffs repeat)."""
    count = draw(st.integers(min_teams, max_teams))
    names = draw(
        st.lists(
            st.text("ABCDEFGHIJ", min_size=1, max_size=3),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    teams = [TeamEntry(f"id{i}", name) for i, name in enumerate(names)]
    pairs = [(h.id, a.id) for h in teams for a in teams if h.id != a.id]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=3 * count))
    matches = []
    for home, away in chosen:
        played = not fixtures or draw(st.booleans()) or draw(st.booleans())
        day = draw(st.integers(0, 6))
        matches.append(
            MatchResult(
                home,
                away,
                draw(goals) if played else None,
                draw(goals) if played else None,
                kickoff=START + timedelta(days=day),
                home_cards=draw(cards) if played else None,
                away_cards=draw(cards) if played else None,
            )
        )
    return teams, matches


def standard_points(rules: Rules) -> bool:
    return (rules.win, rules.draw, rules.loss) == (3, 1, 0)


@st.composite
def seasons_in_progress(
    draw: st.DrawFn, min_teams: int = 2, max_teams: int = 5, max_fixtures: int = 4
) -> tuple[list[TeamEntry], list[MatchResult], list[MatchResult]]:
    """A double round-robin with at most `max_fixtures` matches still to play:
    (teams, played, fixtures)."""
    count = draw(st.integers(min_teams, max_teams))
    teams = [TeamEntry(f"id{i}", f"Team {i}") for i in range(count)]
    pairs = [(h.id, a.id) for h in teams for a in teams if h.id != a.id]
    left = draw(st.sets(st.sampled_from(pairs), min_size=1, max_size=min(max_fixtures, len(pairs))))
    played, fixtures = [], []
    for day, (home, away) in enumerate(pairs):
        kickoff = START + timedelta(days=day)
        if (home, away) in left:
            fixtures.append(MatchResult(home, away, None, None, kickoff=kickoff))
        else:
            played.append(MatchResult(home, away, draw(goals), draw(goals), kickoff=kickoff))
    return teams, played, fixtures
