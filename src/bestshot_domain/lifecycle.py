"""What an observation from a provider may do to a stored match.

`apply_observation` is the one rule book; `create_match` makes a match first seen on import
under the same rules. All pure: the time of the observation is passed in, nothing is read or
written. The rules in short: README, "How it works" (scores).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs
from attrs import frozen

from bestshot_domain.model import (
    Cards,
    ChangeKind,
    Ending,
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    MatchState,
    MatchStatus,
    Observation,
    SourceMatch,
    TeamKey,
    TournamentId,
    make_key,
)

DECIDED = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED})
"""A match with a result for the table."""

AWAITING_RESULT = frozenset({MatchStatus.SCHEDULED, MatchStatus.LIVE, MatchStatus.SUSPENDED})
"""A match that may still be played (and so needs someone to look at it later)."""

_UNDECIDED = frozenset(MatchStatus) - DECIDED
"""States a decided match never returns to: a provider saying so is behind, not right.

Cancelled is among them: a result struck off after the fact is an operator's decision, and a
provider flipping a played match to cancelled is far more often a glitch.
"""

_SCORELESS = frozenset({MatchStatus.SCHEDULED, MatchStatus.POSTPONED, MatchStatus.CANCELLED})


class Verdict(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    CORRECTION = "correction"
    UNCHANGED = "unchanged"
    STALE = "stale"
    REJECTED = "rejected"
    OVERRIDDEN = "overridden"  # an admin's override stands: recorded, never applied


@frozen
class Applied:
    """The observation was applied: `match` replaces the stored one, `change` records why."""

    match: Match
    change: MatchChange

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.change.kind.value)


@frozen
class NotApplied:
    """The observation changes nothing: it says what is stored, it is behind, or it is invalid."""

    verdict: Verdict
    reason: str

    def __attrs_post_init__(self) -> None:
        if self.verdict not in (Verdict.UNCHANGED, Verdict.STALE, Verdict.REJECTED):
            raise ValueError(f"{self.verdict} is not a reason to leave a match alone")


Outcome = Applied | NotApplied


def _a(status: MatchStatus) -> str:
    return f"an {status}" if str(status)[0] in "aeiou" else f"a {status}"


def check_observation(observation: Observation) -> str | None:
    """Why this observation cannot describe any real match, or None when it is coherent."""
    # Score itself refuses negative or non-integer goals, so parsers meet that rule first.
    return _score_problem(observation) or _shootout_problem(observation)


def _score_problem(observation: Observation) -> str | None:
    status, score, ended = observation.status, observation.score, observation.ended
    if status in _SCORELESS and score is not None:
        return f"{_a(status)} match has no score, got {score}"
    if status in DECIDED and score is None:
        return f"{_a(status)} match needs a score"
    if ended is not None and status not in DECIDED:
        return f"only a finished or awarded match has an ending, got {ended} on {_a(status)} match"
    return None


def _shootout_problem(observation: Observation) -> str | None:
    status, score, ended, shootout = (
        observation.status,
        observation.score,
        observation.ended,
        observation.shootout,
    )
    if shootout is None:
        return (
            "a match decided on penalties needs the shoot-out score"
            if ended is Ending.PENALTIES
            else None
        )
    if ended not in (None, Ending.PENALTIES):
        return f"a shoot-out ({shootout}) on a match that ended {ended}"
    if status is not MatchStatus.FINISHED or score is None:
        # An awarded result is decided at the table; no shoot-out belongs to it.
        return f"a shoot-out ({shootout}) on {_a(status)} match"
    if score.home != score.away:
        return f"a shoot-out ({shootout}) needs a level score after extra time, got {score}"
    if shootout.home == shootout.away:
        return f"a shoot-out has a winner, got {shootout}"
    return None


def _state_of(observation: Observation, kickoff: datetime) -> MatchState:
    ended = observation.ended
    if observation.status is MatchStatus.FINISHED and ended is None:
        # Providers that do not say how a match ended mean "in regular time"; a shoot-out
        # without an ending can only have ended on penalties.
        ended = Ending.REGULAR if observation.shootout is None else Ending.PENALTIES
    return MatchState(
        status=observation.status,
        kickoff=observation.kickoff or kickoff,
        score=observation.score,
        ended=ended,
        shootout=observation.shootout,
    )


def observed_state(observation: Observation, kickoff: datetime) -> MatchState:
    """The state a coherent observation (`check_observation`) describes, with `kickoff` when
    it says none."""
    return _state_of(observation, kickoff)


def describe(state: MatchState) -> str:
    """A short human phrase for a state: `finished 2-1 (after extra time)`."""
    text = str(state.status)
    if state.score is not None:
        text += f" {state.score}"
    if state.ended is Ending.EXTRA_TIME:
        text += " (after extra time)"
    elif state.ended is Ending.PENALTIES:
        text += f" ({state.shootout} on penalties)"
    return text


def _reason(before: MatchState, after: MatchState) -> str:
    parts: list[str] = []
    if (before.status, before.score, before.ended, before.shootout) != (
        after.status,
        after.score,
        after.ended,
        after.shootout,
    ):
        parts.append(f"{describe(before)} -> {describe(after)}")
    if before.kickoff != after.kickoff:
        parts.append(f"kickoff {before.kickoff.isoformat()} -> {after.kickoff.isoformat()}")
    return "; ".join(parts)


def apply_observation(match: Match, observation: Observation, *, at: datetime) -> Outcome:
    """Apply what a provider says now (`observation`, fetched at `at`) to a stored match.

    - invalid observations are `rejected` with the reason;
    - one that would leave the match as it is is `unchanged` (so applying twice is applying once);
    - one not newer than what was last applied (`changed_at` at or before `last_observed`), and
      one that would take a finished or awarded match out of that state, are `stale`;
    - anything else is applied: the match gets the new state, `version + 1` and `last_observed`
      (the provider's `changed_at`, else `at`), and a change record that is a `correction` when
      the match was already decided.
    """
    if observation.external_id != match.external_id:
        raise ValueError(
            f"observation of {observation.external_id!r} applied to match {match.external_id!r}"
        )
    problem = check_observation(observation)
    if problem is not None:
        return NotApplied(Verdict.REJECTED, problem)
    after = _state_of(observation, match.kickoff)
    before = match.state
    if after == before:
        return NotApplied(Verdict.UNCHANGED, f"still {describe(before)}")
    changed_at = observation.changed_at
    if (
        changed_at is not None
        and match.last_observed is not None
        and changed_at <= match.last_observed
    ):
        return NotApplied(
            Verdict.STALE,
            f"observation of {changed_at.isoformat()} is not newer than the last applied one "
            f"({match.last_observed.isoformat()})",
        )
    if before.status in DECIDED and after.status in _UNDECIDED:
        return NotApplied(
            Verdict.STALE, f"{_a(before.status)} match does not go back to {after.status}"
        )
    kind = ChangeKind.CORRECTION if before.status in DECIDED else ChangeKind.UPDATED
    new = attrs.evolve(
        match, state=after, last_observed=changed_at or at, version=match.version + 1
    )
    reason = _reason(before, after)
    if kind is ChangeKind.CORRECTION:
        reason = f"correction: {reason}"
    change = MatchChange(
        match=match.key,
        tournament_id=match.tournament_id,
        round_slug=match.round_slug,
        kind=kind,
        before=before,
        after=after,
        reason=reason,
        recorded_at=at,
    )
    return Applied(new, change)


def latest_observation(observations: Sequence[Observation]) -> Observation:
    """The newest of several observations of one match, fetched together.

    The newest `changed_at` wins, and among observations as new as that (or saying no time) the
    last one listed. ValueError for an empty list.
    """
    if not observations:
        raise ValueError("no observation to choose from")
    times = [obs.changed_at for obs in observations if obs.changed_at is not None]
    newest = max(times, default=None)
    return [obs for obs in observations if obs.changed_at in (None, newest)][-1]


def apply_observations(
    match: Match, observations: Sequence[Observation], *, at: datetime
) -> Outcome:
    """Apply what one fetch (`at`) says of a match: its newest observation (`latest_observation`).

    Applying the same list again changes nothing, whatever its order. Stepping through the list
    one observation at a time could not promise that: with the match scheduled, `[scheduled at
    12:05, live 0-0 at 12:00]` leaves the first unchanged (so it leaves no trace) and applies the
    second; the second pass then applies the first, newer than 12:00, and the match goes back to
    scheduled. The steps between the first and the newest observation of one fetch were never
    stored anyway; only where the match stands now matters.
    """
    return apply_observation(match, latest_observation(observations), at=at)


def create_match(
    tournament_id: TournamentId, provider: str, source: SourceMatch, *, at: datetime
) -> Outcome:
    """The first version of a match found in a provider's fixtures, or why it cannot be stored."""
    observation = source.observation
    if observation.kickoff is None:
        return NotApplied(Verdict.REJECTED, "a new match needs a kickoff time")
    if source.home_external_id == source.away_external_id:
        return NotApplied(Verdict.REJECTED, f"a team cannot play itself: {source.home_external_id}")
    problem = check_observation(observation)
    if problem is not None:
        return NotApplied(Verdict.REJECTED, problem)
    state = _state_of(observation, observation.kickoff)
    match = Match(
        tournament_id=tournament_id,
        round_slug=source.round_slug,
        provider=provider,
        external_id=observation.external_id,
        home=make_key(provider, source.home_external_id),
        away=make_key(provider, source.away_external_id),
        state=state,
        group=source.group,
        last_observed=observation.changed_at or at,
        version=0,
    )
    change = MatchChange(
        match=match.key,
        tournament_id=tournament_id,
        round_slug=source.round_slug,
        kind=ChangeKind.CREATED,
        before=None,
        after=state,
        reason=f"imported: {describe(state)}",
        recorded_at=at,
    )
    return Applied(match, change)


def discipline_changes(
    match: Match,
    observation: Observation,
    stored: Mapping[tuple[MatchKey, TeamKey], Cards] | None,
) -> list[MatchDiscipline]:
    """The cards `observation` reports for `match` that differ from what is `stored`."""
    stored = stored or {}
    return [
        MatchDiscipline(match.key, team, cards)
        for team, cards in (
            (match.home, observation.home_cards),
            (match.away, observation.away_cards),
        )
        if cards is not None and stored.get((match.key, team)) != cards
    ]
