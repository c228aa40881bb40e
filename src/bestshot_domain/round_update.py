"""What a provider's observations of one round do to its stored matches, and the summary of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs
from attrs import frozen

from bestshot_domain.lifecycle import AWAITING_RESULT, Applied, Verdict, apply_observation
from bestshot_domain.model import (
    Match,
    MatchChange,
    MatchKey,
    MatchStatus,
    Observation,
    TournamentId,
)


@frozen
class MatchOutcome:
    """What one observation did to one stored match."""

    match: MatchKey
    verdict: Verdict
    reason: str


@frozen
class RoundUpdate:
    """The summary of a round update, and what it wrote."""

    tournament_id: TournamentId
    round_slug: str
    observed_at: datetime
    outcomes: tuple[MatchOutcome, ...]  # one per observation of a stored match, as given
    missing: tuple[MatchKey, ...]  # stored matches of the round the provider said nothing of
    unknown: tuple[str, ...]  # provider ids observed that are no match of this round
    awaiting: tuple[MatchKey, ...]  # matches still awaiting a result after the update
    # Of those, the ones that should be under way or over by now (live, or past their kickoff
    # and not suspended): worth another look soon, unlike next week's fixtures of the round.
    overdue: tuple[MatchKey, ...]
    saved: tuple[Match, ...]  # the matches written, each once
    changes: tuple[MatchChange, ...]  # the change records written

    def _with(self, verdict: Verdict) -> tuple[MatchKey, ...]:
        return tuple(outcome.match for outcome in self.outcomes if outcome.verdict is verdict)

    @property
    def updated(self) -> tuple[MatchKey, ...]:
        return self._with(Verdict.UPDATED)

    @property
    def corrections(self) -> tuple[MatchKey, ...]:
        return self._with(Verdict.CORRECTION)

    @property
    def unchanged(self) -> tuple[MatchKey, ...]:
        return self._with(Verdict.UNCHANGED)

    @property
    def stale(self) -> tuple[MatchKey, ...]:
        return self._with(Verdict.STALE)

    @property
    def rejected(self) -> tuple[MatchOutcome, ...]:
        """The observations refused as invalid, with the reason."""
        return tuple(o for o in self.outcomes if o.verdict is Verdict.REJECTED)


def reconcile(
    tournament_id: TournamentId,
    round_slug: str,
    matches: Sequence[Match],
    observations: Sequence[Observation],
    *,
    at: datetime,
) -> RoundUpdate:
    """Apply `observations` (fetched at `at`) to the round's stored `matches`, in the order given.

    A match observed twice is written once, one version up, with a change record per applied
    observation; versions count writes, so that the repository's version check holds.
    """
    stored = {match.external_id: match for match in matches}
    current = dict(stored)
    outcomes: list[MatchOutcome] = []
    changes: list[MatchChange] = []
    unknown: list[str] = []
    for observation in observations:
        match = current.get(observation.external_id)
        if match is None:
            if observation.external_id not in unknown:
                unknown.append(observation.external_id)
            continue
        outcome = apply_observation(match, observation, at=at)
        if isinstance(outcome, Applied):
            current[observation.external_id] = outcome.match
            changes.append(outcome.change)
            outcomes.append(MatchOutcome(match.key, outcome.verdict, outcome.change.reason))
        else:
            outcomes.append(MatchOutcome(match.key, outcome.verdict, outcome.reason))
    observed = {observation.external_id for observation in observations}
    saved = tuple(
        attrs.evolve(current[external_id], version=match.version + 1)
        for external_id, match in stored.items()
        if current[external_id] != match
    )
    return RoundUpdate(
        tournament_id=tournament_id,
        round_slug=round_slug,
        observed_at=at,
        outcomes=tuple(outcomes),
        missing=tuple(m.key for m in matches if m.external_id not in observed),
        unknown=tuple(unknown),
        awaiting=tuple(m.key for m in current.values() if m.status in AWAITING_RESULT),
        overdue=tuple(
            m.key
            for m in current.values()
            if m.status is MatchStatus.LIVE
            or (m.status is MatchStatus.SCHEDULED and m.kickoff <= at)
        ),
        saved=saved,
        changes=tuple(changes),
    )
