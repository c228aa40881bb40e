"""SharedRoundFetches: one fetch per round at a time, shared by every update waiting on it, and
one deadline for it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from adapters.sources.shared import SharedRoundFetches
from bestshot_domain.errors import SourceTimeout, SourceUnavailable
from bestshot_domain.model import Fixtures, Match, Observation, Round
from tests.builders import league_fixtures, observation, round_

GUARD = 10.0  # a test that waits this long has hung: it fails instead


class GatedSource:
    """A source whose round fetches wait for `release`, counting them."""

    def __init__(self) -> None:
        self.fetches: list[tuple[str, str]] = []
        self.release = asyncio.Event()
        self.failure: Exception | None = None

    @property
    def provider(self) -> str:
        return "gated"

    async def fixtures(self, reference: str) -> Fixtures:
        return league_fixtures(4)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        self.fetches.append((round_.tournament_id, round_.slug))
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return [observation(f"{round_.slug}-m1", score=(len(self.fetches), 0))]


async def started() -> None:
    """Let the updates just created run until they wait on the source."""
    for _ in range(5):
        await asyncio.sleep(0)


def update(shared: SharedRoundFetches, round_: Round) -> asyncio.Task[Sequence[Observation]]:
    return asyncio.create_task(shared.round_observations("liga", round_, []))


async def test_concurrent_updates_of_a_round_share_one_fetch() -> None:
    source = GatedSource()
    shared = SharedRoundFetches(source, deadline=GUARD)
    first, second = update(shared, round_("matchday-1")), update(shared, round_("matchday-1"))
    await started()
    source.release.set()
    answers = await asyncio.wait_for(asyncio.gather(first, second), GUARD)
    assert answers[0] == answers[1]
    assert source.fetches == [("liga-test", "matchday-1")]


async def test_other_rounds_and_other_tournaments_are_fetched_apart() -> None:
    source = GatedSource()
    shared = SharedRoundFetches(source, deadline=GUARD)
    tasks = [
        update(shared, round_("matchday-1")),
        update(shared, round_("matchday-2")),
        update(shared, round_("matchday-1", tournament_id="other")),
    ]
    await started()
    source.release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), GUARD)
    assert sorted(source.fetches) == [
        ("liga-test", "matchday-1"),
        ("liga-test", "matchday-2"),
        ("other", "matchday-1"),
    ]


async def test_an_update_after_the_fetch_ended_fetches_again() -> None:
    source = GatedSource()
    source.release.set()
    shared = SharedRoundFetches(source, deadline=GUARD)
    first = await shared.round_observations("liga", round_(), [])
    again = await shared.round_observations("liga", round_(), [])
    assert len(source.fetches) == 2
    assert first != again  # the second is what the provider says now


async def test_a_failure_reaches_every_waiting_update_and_is_not_kept() -> None:
    source = GatedSource()
    source.failure = SourceUnavailable("gated", "HTTP 503")
    shared = SharedRoundFetches(source, deadline=GUARD)
    first, second = update(shared, round_()), update(shared, round_())
    await started()
    source.release.set()
    results = await asyncio.wait_for(asyncio.gather(first, second, return_exceptions=True), GUARD)
    assert [type(result) for result in results] == [SourceUnavailable, SourceUnavailable]
    source.failure = None
    assert await shared.round_observations("liga", round_(), [])
    assert len(source.fetches) == 2


async def test_an_update_that_leaves_does_not_cancel_the_fetch_others_wait_for() -> None:
    source = GatedSource()
    shared = SharedRoundFetches(source, deadline=GUARD)
    leaving, staying = update(shared, round_()), update(shared, round_())
    await started()
    leaving.cancel()
    source.release.set()
    assert await asyncio.wait_for(staying, GUARD)
    assert leaving.cancelled()
    assert len(source.fetches) == 1


async def test_a_fetch_past_the_deadline_answers_a_timeout_naming_it() -> None:
    source = GatedSource()  # never released
    shared = SharedRoundFetches(source, deadline=0.05)
    first, second = update(shared, round_()), update(shared, round_())
    with pytest.raises(SourceTimeout, match=r"round matchday-1 within the 0\.05 s deadline"):
        await asyncio.wait_for(first, GUARD)
    with pytest.raises(SourceTimeout):
        await asyncio.wait_for(second, GUARD)
    assert len(source.fetches) == 1


async def test_fixtures_pass_through() -> None:
    shared = SharedRoundFetches(GatedSource(), deadline=GUARD)
    assert shared.provider == "gated"
    assert await shared.fixtures("liga") == league_fixtures(4)
