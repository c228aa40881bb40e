"""A `ResultSource` whose round fetches have one deadline and run once at a time per round.

A caller that gives up on a slow update asks again. The second update of a round being fetched
waits for that fetch's answer (or error): a provider sees one fetch per round, however many
updates overlap. The fetch runs in its own task, so an update that leaves early does not
cancel it. Fixtures (an import) pass through, under the HTTP client's own deadline.
Per process only: the use case's lock on the tournament keeps several processes correct.
Setting: `BESTSHOT_HTTP_DEADLINE_SECONDS` (README, "Configuration").
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from adapters.sources.deadline import within
from bestshot_domain.errors import SourceTimeout
from bestshot_domain.model import Fixtures, Match, Observation, Round
from bestshot_domain.ports import ResultSource

_Key = tuple[str, str]  # the tournament, the round


class SharedRoundFetches:
    """`source`, its rounds fetched within `deadline` seconds, one fetch per round at a time."""

    def __init__(self, source: ResultSource, deadline: float) -> None:
        self._source = source
        self._deadline = deadline
        self._running: dict[_Key, asyncio.Task[Sequence[Observation]]] = {}

    @property
    def provider(self) -> str:
        return self._source.provider

    async def fixtures(self, reference: str) -> Fixtures:
        return await self._source.fixtures(reference)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        key = (round_.tournament_id, round_.slug)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(reference, round_, matches))
            self._running[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: _Key, task: asyncio.Task[Sequence[Observation]]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved here too, in case every waiter had left

    async def _fetch(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        with within(self._deadline) as deadline:
            try:
                async with asyncio.timeout_at(deadline.when):
                    return await self._source.round_observations(reference, round_, matches)
            except TimeoutError:
                raise SourceTimeout(
                    self.provider, f"no answer for round {round_.slug} within {deadline}"
                ) from None

    async def aclose(self) -> None:
        close = getattr(self._source, "aclose", None)
        if close is not None:
            await close()
