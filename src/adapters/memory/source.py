"""A ResultSource whose world is set by hand: what it publishes is what tests say happened.

It records each call, and can be told to fail, so that tests see what a use case asked and
what it does when a provider is down.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from bestshot_domain.errors import NotFound, SourceError
from bestshot_domain.model import Fixtures, Match, Observation, Round


class ScriptedSource:
    def __init__(self, provider: str = "scripted") -> None:
        self._provider = provider
        self._fixtures: dict[str, Fixtures] = {}
        self._failure: SourceError | None = None
        self.calls: list[tuple[str, ...]] = []

    @property
    def provider(self) -> str:
        return self._provider

    def publish(self, reference: str, fixtures: Fixtures) -> None:
        """From now on the provider knows `reference` as `fixtures`."""
        if fixtures.provider != self._provider:
            raise ValueError(f"fixtures of {fixtures.provider!r} published on {self._provider!r}")
        self._fixtures[reference] = fixtures

    def report(self, reference: str, *observations: Observation) -> None:
        """Matches of `reference` change: each observation replaces its match's current state."""
        fixtures = self._known(reference)
        news = {observation.external_id: observation for observation in observations}
        unknown = set(news) - {match.external_id for match in fixtures.matches}
        if unknown:
            raise KeyError(f"no such matches in {reference!r}: {sorted(unknown)}")
        matches = tuple(
            attrs.evolve(match, observation=news[match.external_id])
            if match.external_id in news
            else match
            for match in fixtures.matches
        )
        self._fixtures[reference] = attrs.evolve(fixtures, matches=matches)

    def fail(self, error: SourceError | None) -> None:
        """Every call raises `error` from now on (None: work again)."""
        self._failure = error

    def _known(self, reference: str) -> Fixtures:
        if self._failure is not None:
            raise self._failure
        try:
            return self._fixtures[reference]
        except KeyError:
            raise NotFound(f"{self._provider} has no tournament {reference!r}") from None

    async def fixtures(self, reference: str) -> Fixtures:
        self.calls.append(("fixtures", reference))
        return self._known(reference)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        self.calls.append(("round_observations", reference, round_.reference))
        fixtures = self._known(reference)
        slugs = {r.slug for r in fixtures.rounds if (r.reference or r.slug) == round_.reference}
        return [m.observation for m in fixtures.matches if m.round_slug in slugs]
