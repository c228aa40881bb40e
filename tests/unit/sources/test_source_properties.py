"""Properties that hold for any input, not only the recorded ones."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.sources.fbref import parse_schedule
from adapters.sources.football_data import parse_matches
from adapters.sources.http import parse_retry_after
from adapters.sources.parsed import ParsedMatch, RoundInfo, assemble_fixtures
from bestshot_domain.model import MatchStatus, Observation, Score, SourceMatch, SourceTeam
from tests.unit.sources.sources_data import load

goals = st.integers(min_value=0, max_value=15)


@settings(max_examples=60)
@given(
    regular=st.tuples(goals, goals),
    extra=st.tuples(goals, goals),
    penalties=st.tuples(goals, goals),
    full=st.tuples(st.none() | goals, st.none() | goals),
)
def test_football_data_shootout_score_is_regular_plus_extra_whatever_full_time_says(
    regular: tuple[int, int],
    extra: tuple[int, int],
    penalties: tuple[int, int],
    full: tuple[int | None, int | None],
) -> None:
    match = copy.deepcopy(load("football_data_org/v4_CompetitionMatches.json")["matches"][0])
    match["status"] = "FINISHED"
    match["score"] = {
        "duration": "PENALTY_SHOOTOUT",
        "fullTime": {"home": full[0], "away": full[1]},
        "regularTime": {"home": regular[0], "away": regular[1]},
        "extraTime": {"home": extra[0], "away": extra[1]},
        "penalties": {"home": penalties[0], "away": penalties[1]},
    }
    (parsed,) = parse_matches(json.dumps({"matches": [match]}))
    assert parsed.observation.score == Score(regular[0] + extra[0], regular[1] + extra[1])
    assert parsed.observation.shootout == Score(*penalties)


@settings(max_examples=60)
@given(
    score=st.tuples(goals, goals),
    shootout=st.none() | st.tuples(goals, goals),
    dash=st.sampled_from(["\u2013", "-", "&ndash;", " \u2013 "]),
)
def test_fbref_scores_read_back(
    score: tuple[int, int], shootout: tuple[int, int] | None, dash: str
) -> None:
    text = f"{score[0]}{dash}{score[1]}"
    if shootout is not None:
        text = f"({shootout[0]}) {text} ({shootout[1]})"
    html = (
        "<table id='sched_all'><tbody><tr><th data-stat='gameweek'>1</th>"
        "<td data-stat='date'>2024-08-16</td>"
        "<td data-stat='home_team'><a href='/en/squads/aaaa1111/A'>A</a></td>"
        f"<td data-stat='score'>{text}</td>"
        "<td data-stat='away_team'><a href='/en/squads/bbbb2222/B'>B</a></td>"
        "</tr></tbody></table>"
    )
    (match,) = parse_schedule(html)
    assert match.observation.score == Score(*score)
    assert match.observation.shootout == (Score(*shootout) if shootout else None)


START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def parsed_matches(draw: st.DrawFn) -> list[ParsedMatch]:
    teams = [SourceTeam(f"t{i}", f"Team {i}") for i in range(6)]
    count = draw(st.integers(min_value=1, max_value=12))
    out = []
    for n in range(count):
        home, away = draw(st.lists(st.sampled_from(teams), min_size=2, max_size=2, unique=True))
        day = draw(st.integers(min_value=0, max_value=60))
        round_no = draw(st.integers(min_value=1, max_value=4))
        out.append(
            ParsedMatch(
                RoundInfo(f"matchday-{round_no}", f"Matchday {round_no}"),
                home,
                away,
                Observation(f"m{n}", MatchStatus.SCHEDULED, kickoff=START + timedelta(days=day)),
            )
        )
    return out


@settings(max_examples=80)
@given(matches=parsed_matches(), data=st.data())
def test_fixtures_do_not_depend_on_order_or_repetition(
    matches: list[ParsedMatch], data: st.DataObject
) -> None:
    fixtures = assemble_fixtures("p", matches)
    shuffled = data.draw(st.permutations(matches + matches[: len(matches) // 2]))
    assert assemble_fixtures("p", shuffled) == fixtures
    team_ids = {t.external_id for t in fixtures.teams}
    assert all({m.home_external_id, m.away_external_id} <= team_ids for m in fixtures.matches)
    assert [r.order for r in fixtures.rounds] == list(range(1, len(fixtures.rounds) + 1))
    assert {m.round_slug for m in fixtures.matches} == {r.slug for r in fixtures.rounds}
    assert len({m.external_id for m in fixtures.matches}) == len(fixtures.matches)
    firsts = {
        r.slug: min(_kickoff(m) for m in fixtures.matches if m.round_slug == r.slug)
        for r in fixtures.rounds
    }
    ordered = [firsts[r.slug] for r in fixtures.rounds]
    assert ordered == sorted(ordered)


def _kickoff(parsed: SourceMatch) -> datetime:
    assert parsed.observation.kickoff is not None
    return parsed.observation.kickoff


@given(seconds=st.integers(min_value=0, max_value=10**6))
def test_retry_after_seconds_read_back(seconds: int) -> None:
    assert parse_retry_after(str(seconds), START) == float(seconds)
