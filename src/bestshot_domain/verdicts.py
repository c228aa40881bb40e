"""What a round's answers may write under the tournament's verify mode, decided without I/O.

`none`: the answering provider's word, as ever. `settle`: a final waits (`PendingFinal`) until
the provider has reported it unchanged for the settle window; a settled final the provider
changes opens a dispute. `agree`: a final is written when the primary and the fallback report
the same one; different finals open a dispute. Observations of no final pass through in every
mode. README, "Fallback provider and verified finals".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import evolve, frozen

from bestshot_domain.lifecycle import latest_observation
from bestshot_domain.model import Match, MatchKey, Observation, Tournament, VerifyMode
from bestshot_domain.verification import (
    Answer,
    ClosedBy,
    Dispute,
    DisputeKind,
    PendingFinal,
    VerifyPolicy,
    dispute_id,
)


@frozen
class Answers:
    """What the providers said of a round: observations by external id, or None for one that
    did not answer (or, for the fallback, was not asked)."""

    primary: str
    fallback: str | None
    from_primary: Mapping[str, Sequence[Observation]] | None
    from_fallback: Mapping[str, Sequence[Observation]] | None


@frozen
class Verified:
    observations: tuple[Observation, ...]  # what may be applied
    said: Mapping[MatchKey, str]  # who said what was applied, for the change records
    held: tuple[MatchKey, ...]  # finals reported and not written (yet)
    pending: tuple[PendingFinal, ...]  # to store
    cleared: tuple[MatchKey, ...]  # pending finals to drop
    opened: tuple[Dispute, ...]
    closed: tuple[Dispute, ...]
    settle_due: datetime | None  # the earliest time a pending final may settle


def close(dispute: Dispute, by: ClosedBy, reason: str, at: datetime) -> Dispute:
    """`dispute` closed (a closed one stays as it was)."""
    if not dispute.is_open:
        return dispute
    return evolve(dispute, closed_at=at, closed_by=by, reason=reason)


class _Decision:
    def __init__(
        self,
        tournament: Tournament,
        disputes: Mapping[MatchKey, Dispute],
        pending: Mapping[MatchKey, PendingFinal],
        at: datetime,
        policy: VerifyPolicy,
    ) -> None:
        self.tournament, self.disputes, self.pending = tournament, disputes, pending
        self.at, self.policy = at, policy
        self.apply: list[Observation] = []
        self.said: dict[MatchKey, str] = {}
        self.held: list[MatchKey] = []
        self.new_pending: list[PendingFinal] = []
        self.cleared: list[MatchKey] = []
        self.opened: list[Dispute] = []
        self.closed: list[Dispute] = []
        self.due: list[datetime] = []

    def take(self, match: Match, observation: Observation, said: str) -> None:
        self.apply.append(observation)
        self.said[match.key] = said

    def converged(self, match: Match, final: Answer) -> None:
        dispute = self.disputes.get(match.key)
        if dispute is not None:
            reason = f"the providers converged on {final}"
            self.closed.append(close(dispute, ClosedBy.CONVERGED, reason, self.at))

    def dispute(self, match: Match, kind: DisputeKind, *answers: Answer) -> None:
        self.held.append(match.key)
        if match.key in self.disputes:  # one open dispute per match: a redelivery adds none
            return
        self.opened.append(
            Dispute(
                dispute_id(self.tournament.id, match.key, self.at),
                self.tournament.id,
                match.round_slug,
                match.key,
                kind,
                answers,
                self.at,
            )
        )

    def agree(
        self,
        match: Match,
        primary: Observation | None,
        fallback: Observation | None,
        names: tuple[str, str],
    ) -> None:
        mine = None if primary is None else Answer.of(names[0], primary)
        theirs = None if fallback is None else Answer.of(names[1], fallback)
        finals = [a for a in (mine, theirs) if a is not None and a.final is not None]
        if not finals:
            said = primary or fallback
            if said is not None:
                self.take(match, said, names[0] if primary is not None else names[1])
            return
        if len(finals) == 2 and finals[0].final == finals[1].final:
            assert primary is not None  # noqa: S101 - two finals: both answered
            self.take(match, primary, f"{names[0]} and {names[1]} agree")
            self.converged(match, finals[0])
            return
        if len(finals) == 2:
            self.dispute(match, DisputeKind.DISAGREEMENT, *finals)
        elif finals[0].final != Answer.of("stored", match.state).final:
            self.held.append(match.key)  # one final, nothing to agree with yet

    def settle(self, match: Match, observation: Observation, provider: str) -> None:
        answer = Answer.of(provider, observation)
        stored = Answer.of("stored", match.state)
        if answer.final is None:
            self.take(match, observation, provider)
            if match.key in self.pending:
                self.cleared.append(match.key)
            return
        if stored.final is not None:
            if answer.final == stored.final:
                self.converged(match, answer)
            else:
                self.dispute(match, DisputeKind.CHANGED_FINAL, stored, answer)
            return
        waiting = self.pending.get(match.key)
        if waiting is None or waiting.answer.final != answer.final:
            waiting = PendingFinal(self.tournament.id, match.key, answer, self.at)
            self.new_pending.append(waiting)
        due = waiting.first_seen + self.policy.settle_window
        if self.at >= due:
            self.take(match, observation, f"{provider}, settled since {waiting.first_seen:%H:%M}")
            self.cleared.append(match.key)
        else:
            self.held.append(match.key)
            self.due.append(due)


def verify_round(
    tournament: Tournament,
    matches: Sequence[Match],
    answers: Answers,
    *,
    disputes: Mapping[MatchKey, Dispute],
    pending: Mapping[MatchKey, PendingFinal],
    at: datetime,
    policy: VerifyPolicy,
) -> Verified:
    """Decide, match by match, what of `answers` the round's stored `matches` may take.

    `disputes` are the open ones and `pending` the waiting finals, by match. Observations of
    external ids that are no stored match pass through (the round update reports them unknown).
    """
    decision = _Decision(tournament, disputes, pending, at, policy)
    primary, fallback = answers.from_primary, answers.from_fallback
    names = (answers.primary, answers.fallback or "")
    stored = {match.external_id for match in matches}
    # What the primary says, or when it did not answer, the fallback.
    first, first_name = (primary, names[0]) if primary is not None else (fallback, names[1])
    for match in matches:
        mine = _latest(primary, match.external_id)
        theirs = _latest(fallback, match.external_id)
        if tournament.verify is VerifyMode.AGREE:
            decision.agree(match, mine, theirs, names)
            continue
        word = mine if primary is not None else theirs
        if word is None:
            continue
        if tournament.verify is VerifyMode.SETTLE:
            decision.settle(match, word, first_name)
        else:
            decision.take(match, word, first_name)
    strangers = [o for said in (first or {}).values() for o in said if o.external_id not in stored]
    return Verified(
        observations=(*decision.apply, *strangers),
        said=decision.said,
        held=tuple(decision.held),
        pending=tuple(decision.new_pending),
        cleared=tuple(decision.cleared),
        opened=tuple(decision.opened),
        closed=tuple(decision.closed),
        settle_due=min(decision.due, default=None),
    )


def _latest(
    said: Mapping[str, Sequence[Observation]] | None, external_id: str
) -> Observation | None:
    observations = None if said is None else said.get(external_id)
    return latest_observation(observations) if observations else None
