"""What an admin's override does to a match, and what a provider's word does to an overridden one.

Pure, like `lifecycle`: the use cases (`overrides`, `services.update_round`) read and write.
README, "Overrides".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs
from attrs import frozen

from bestshot_domain.errors import InvalidInput
from bestshot_domain.lifecycle import (
    Verdict,
    check_observation,
    describe,
    latest_observation,
    observed_state,
)
from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchState,
    MatchStatus,
    Observation,
    Override,
    Score,
)


def requested_state(
    match: Match,
    status: MatchStatus,
    score: Score | None = None,
    ended: Ending | None = None,
    shootout: Score | None = None,
) -> MatchState:
    """The state an admin asks for, held to the rules a provider's word is held to (a finished
    match has a score, a shoot-out only after a level score ...); the kickoff stays. InvalidInput
    when it cannot describe a real match."""
    observation = Observation(match.external_id, status, score, ended, shootout)
    problem = check_observation(observation)
    if problem is not None:
        raise InvalidInput(problem)
    return observed_state(observation, match.kickoff)


@frozen
class OverrideSet:
    """What setting an override writes: the match (a new version when its state changed), the
    override, and the change record of kind `override`."""

    match: Match
    override: Override
    change: MatchChange

    @property
    def state_changed(self) -> bool:
        change = self.change
        return change.before != change.after


def set_override(
    match: Match,
    current: Override | None,
    state: MatchState,
    reason: str,
    by: str,
    *,
    at: datetime,
) -> OverrideSet | None:
    """Make `state` the match's, by hand. None when that override already stands (same state,
    same reason): setting it again changes nothing.

    A changed match loses its `last_observed`: the provider's last word no longer describes it,
    so that the provider's next answer after a release is not taken for an old one.
    """
    standing = current is not None and (current.state, current.reason) == (state, reason)
    if standing and match.state == state:
        return None
    before = match.state
    new = match
    if before != state:
        new = attrs.evolve(match, state=state, last_observed=None, version=match.version + 1)
    override = Override(
        match.key,
        state,
        reason,
        by,
        at,
        provider_says=None if current is None else current.provider_says,
        provider_at=None if current is None else current.provider_at,
    )
    change = MatchChange(
        match.key,
        match.tournament_id,
        match.round_slug,
        ChangeKind.OVERRIDE,
        before,
        state,
        reason,
        at,
        source=by,
    )
    return OverrideSet(new, override, change)


def release(match: Match, by: str, reason: str, *, at: datetime) -> MatchChange:
    """The record of an override released: the match stays as it is until its provider's next
    answer, which then applies under the usual rules (`lifecycle`)."""
    return MatchChange(
        match.key,
        match.tournament_id,
        match.round_slug,
        ChangeKind.RELEASE,
        match.state,
        match.state,
        reason or "override released",
        at,
        source=by,
    )


@frozen
class Overruled:
    """A provider's word on an overridden match: never applied. When it says something new,
    `override` keeps it (`provider_says`) and `change` records it as an `observation`."""

    verdict: Verdict  # OVERRIDDEN, or REJECTED for an incoherent word
    reason: str
    override: Override | None = None
    change: MatchChange | None = None


def observe_overridden(
    match: Match, override: Override, observations: Sequence[Observation], *, at: datetime
) -> Overruled:
    """What one fetch (`at`) says of an overridden match: its newest word is kept beside the
    override when it differs from the last one kept, so that a redelivery records nothing."""
    latest = latest_observation(observations)
    problem = check_observation(latest)
    if problem is not None:
        return Overruled(Verdict.REJECTED, problem)
    says = observed_state(latest, match.kickoff)
    reason = f"overridden ({describe(override.state)}); the provider says {describe(says)}"
    if says == override.provider_says:
        return Overruled(Verdict.OVERRIDDEN, reason)
    change = MatchChange(
        match.key,
        match.tournament_id,
        match.round_slug,
        ChangeKind.OBSERVATION,
        match.state,
        says,
        reason,
        at,
        source=match.provider,
    )
    seen = attrs.evolve(override, provider_says=says, provider_at=at)
    return Overruled(Verdict.OVERRIDDEN, reason, seen, change)
