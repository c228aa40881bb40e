"""What a provider's observations of one round do to its stored matches, and the summary of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import frozen

from bestshot_domain.lifecycle import (
    AWAITING_RESULT,
    Applied,
    Verdict,
    apply_observations,
    discipline_changes,
    latest_observation,
)
from bestshot_domain.model import (
    Cards,
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    MatchStatus,
    Observation,
    Override,
    TeamKey,
    TournamentId,
)
from bestshot_domain.override_rules import observe_overridden


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
    discipline: tuple[MatchDiscipline, ...] = ()  # the cards written (one side of one match each)
    latest_overdue_kickoff: datetime | None = None  # of the overdue matches; None: none is
    follow_up: str | None = None  # the follow-up check ensured for the round (`follow_ups`)
    # Overrides whose provider said something new of their match (kept beside them, not applied).
    observed: tuple[Override, ...] = ()
    # Verification (`verified_rounds`): who answered, matches no fallback match pairs with,
    # finals reported and not written (yet), and the disputes this update opened and closed.
    answered: tuple[str, ...] = ()
    unpaired: tuple[MatchKey, ...] = ()
    held: tuple[MatchKey, ...] = ()
    disputes_opened: tuple[str, ...] = ()
    disputes_closed: tuple[str, ...] = ()

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
    def overridden(self) -> tuple[MatchKey, ...]:
        return self._with(Verdict.OVERRIDDEN)

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
    discipline: Mapping[tuple[MatchKey, TeamKey], Cards] | None = None,
    overrides: Mapping[MatchKey, Override] | None = None,
) -> RoundUpdate:
    """Apply `observations` (fetched at `at`) to the round's stored `matches`.

    A match observed more than once in the fetch gets its newest word
    (`lifecycle.apply_observations`), so that reconciling the same observations again writes
    nothing, whatever their order. Each changed match is written once, one version up, with its
    change record; outcomes follow the order in which matches were first observed.

    `discipline` is the cards stored for these matches; the cards an observation reports are
    written where they differ, unless the observation was stale or rejected (older or wrong, so
    its cards are too).

    A match with an override (`overrides`) is never changed: the provider's word is recorded
    beside it when new (`override_rules.observe_overridden`, in `observed` and `changes`).
    """
    stored = {match.external_id: match for match in matches}
    by_match: dict[str, list[Observation]] = {}
    unknown: list[str] = []
    for observation in observations:
        if observation.external_id in stored:
            by_match.setdefault(observation.external_id, []).append(observation)
        elif observation.external_id not in unknown:
            unknown.append(observation.external_id)
    current = dict(stored)
    outcomes: list[MatchOutcome] = []
    changes: list[MatchChange] = []
    cards: list[MatchDiscipline] = []
    observed: list[Override] = []
    for external_id, said in by_match.items():
        match = stored[external_id]
        override = (overrides or {}).get(match.key)
        if override is not None:
            overruled = observe_overridden(match, override, said, at=at)
            outcomes.append(MatchOutcome(match.key, overruled.verdict, overruled.reason))
            if overruled.override is not None and overruled.change is not None:
                observed.append(overruled.override)
                changes.append(overruled.change)
            continue
        outcome = apply_observations(match, said, at=at)
        if isinstance(outcome, Applied):
            current[external_id] = outcome.match
            changes.append(outcome.change)
            outcomes.append(MatchOutcome(match.key, outcome.verdict, outcome.change.reason))
        else:
            outcomes.append(MatchOutcome(match.key, outcome.verdict, outcome.reason))
        if outcome.verdict not in (Verdict.STALE, Verdict.REJECTED):
            cards.extend(
                discipline_changes(current[external_id], latest_observation(said), discipline)
            )
    saved = tuple(current[m.external_id] for m in stored.values() if current[m.external_id] != m)
    overdue = [
        m
        for m in current.values()
        if m.status is MatchStatus.LIVE or (m.status is MatchStatus.SCHEDULED and m.kickoff <= at)
    ]
    return RoundUpdate(
        tournament_id=tournament_id,
        round_slug=round_slug,
        observed_at=at,
        outcomes=tuple(outcomes),
        missing=tuple(m.key for m in matches if m.external_id not in by_match),
        unknown=tuple(unknown),
        awaiting=tuple(m.key for m in current.values() if m.status in AWAITING_RESULT),
        overdue=tuple(m.key for m in overdue),
        saved=saved,
        changes=tuple(changes),
        discipline=tuple(cards),
        latest_overdue_kickoff=max((m.kickoff for m in overdue), default=None),
        observed=tuple(observed),
    )
