"""hypothesis strategies for domain values shared by several test modules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from bestshot_domain.model import Ending, MatchStatus, Observation, Score

MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)

scores = st.builds(Score, st.integers(0, 9), st.integers(0, 9))


@st.composite
def coherent_observations(
    draw: st.DrawFn, external_id: str = "m1", with_changed_at: bool | None = None
) -> Observation:
    """Observations that describe a possible match (they may still be stale for a given one)."""
    status = draw(st.sampled_from(MatchStatus))
    score = None
    ended = None
    shootout = None
    if status in (MatchStatus.FINISHED, MatchStatus.AWARDED):
        ended = draw(st.sampled_from(Ending)) if status is MatchStatus.FINISHED else None
        if ended is Ending.PENALTIES:
            level = draw(st.integers(0, 5))
            score = Score(level, level)
            winner, loser = draw(st.integers(1, 9)), draw(st.integers(0, 8))
            loser = min(loser, winner - 1)
            shootout = Score(winner, loser) if draw(st.booleans()) else Score(loser, winner)
        else:
            score = draw(scores)
    elif status in (MatchStatus.LIVE, MatchStatus.SUSPENDED):
        score = draw(st.none() | scores)
    kickoff = draw(st.none() | MOMENTS)
    if with_changed_at is None:
        changed_at = draw(st.none() | MOMENTS)
    else:
        changed_at = draw(MOMENTS) if with_changed_at else None
    return Observation(external_id, status, score, ended, shootout, kickoff, changed_at)


@st.composite
def any_observations(draw: st.DrawFn, external_id: str = "m1") -> Observation:
    """Any observation the model can hold, coherent or not."""
    status = draw(st.sampled_from(MatchStatus))
    return Observation(
        external_id,
        status,
        draw(st.none() | scores),
        draw(st.none() | st.sampled_from(Ending)),
        draw(st.none() | scores),
        draw(st.none() | MOMENTS),
        draw(st.none() | MOMENTS),
    )


def observations(external_id: str = "m1") -> st.SearchStrategy[Observation]:
    """Mostly coherent observations, with some incoherent ones mixed in."""
    return st.one_of(
        coherent_observations(external_id),
        coherent_observations(external_id),
        any_observations(external_id),
    )


ticks = st.integers(1, 600).map(lambda minutes: timedelta(minutes=minutes))
