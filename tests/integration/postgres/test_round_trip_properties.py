"""Property: every match state the domain allows is stored and read back exactly, in a match
and in its history (any instant, any time zone, any microsecond, every status and ending)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.postgres import create_pool, unit_of_work_factory
from adapters.postgres.admin import drop_database
from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Score,
)
from tests.conftest import TEST_POOL, PostgresServerForTests
from tests.integration.postgres.samples import PROVIDER, TOURNAMENT, store_league

pytestmark = pytest.mark.integration

scores = st.builds(Score, st.integers(0, 30), st.integers(0, 30))
# Any instant, seen in any time zone. Local times in a DST gap or fold are left out: Python
# (PEP 495) never finds them equal to any time of another zone, the same instant included.
instants = st.builds(
    lambda moment, zone: moment.astimezone(zone),
    st.datetimes(
        min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.timezones(),
).filter(lambda moment: moment == moment.astimezone(UTC))


@st.composite
def match_states(draw: st.DrawFn) -> MatchState:
    status = draw(st.sampled_from(MatchStatus))
    kickoff = draw(instants)
    if status in (MatchStatus.POSTPONED, MatchStatus.CANCELLED):
        return MatchState(status, kickoff)
    score = draw(st.none() | scores)
    ended = None
    if status in (MatchStatus.FINISHED, MatchStatus.AWARDED):
        ended = draw(st.none() | st.sampled_from(Ending))
    shootout = None
    if ended is Ending.PENALTIES:
        if score is not None:
            level = draw(st.integers(0, 30))
            score = Score(level, level)
        shootout = draw(st.none() | scores)
    return MatchState(status, kickoff, score, ended, shootout)


@pytest.fixture(scope="module")
def league_url(postgres_server: PostgresServerForTests) -> Iterator[str]:
    async def create() -> str:
        name = await postgres_server.new_database()
        pool = await create_pool(postgres_server.url(name), TEST_POOL)
        try:
            async with unit_of_work_factory(pool, TEST_POOL)() as uow:
                await store_league(uow, matches_per_round=1)
                await uow.commit()
        finally:
            await pool.close()
        return name

    name = asyncio.run(create())
    try:
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


_numbers = itertools.count()
END_OF_TIME = datetime(2101, 1, 1, tzinfo=UTC)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    state=match_states(),
    before=st.none() | match_states(),
    # Text PostgreSQL can hold: UTF-8 has no lone surrogates (the adapter refuses those with
    # InvalidInput) and `text` no NUL.
    group=st.none()
    | st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=8
    ),
)
def test_any_allowed_state_reads_back_equal(
    league_url: str, state: MatchState, before: MatchState | None, group: str | None
) -> None:
    number = next(_numbers)
    match = Match(
        tournament_id=TOURNAMENT.id,
        round_slug="matchday-1",
        provider=PROVIDER,
        external_id=f"property-{number}",
        home=f"{PROVIDER}:t000",
        away=f"{PROVIDER}:t001",
        state=state,
        group=group,
        last_observed=state.kickoff,
        version=number,
    )
    change = MatchChange(
        match=match.key,
        tournament_id=match.tournament_id,
        round_slug=match.round_slug,
        kind=ChangeKind.CREATED if before is None else ChangeKind.CORRECTION,
        before=before,
        after=state,
        reason=f"property {number}",
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
    )

    async def round_trip() -> tuple[list[Match], list[MatchChange]]:
        pool = await create_pool(league_url, TEST_POOL)
        try:
            factory = unit_of_work_factory(pool, TEST_POOL)
            async with factory() as uow:
                await uow.matches.save_many([match])
                await uow.changes.record_many([change])
                await uow.commit()
            async with factory() as uow:
                stored = await uow.matches.kicking_off(state.kickoff, END_OF_TIME)
                history = await uow.changes.for_match(match.key)
        finally:
            await pool.close()
        return [m for m in stored if m.key == match.key], list(history)

    stored, history = asyncio.run(round_trip())
    assert stored == [match]
    assert history == [change]
