"""What verifying finals keeps: providers' answers, finals waiting to settle, disputes, and the
alias tables that pair matches across providers; and the port that stores them.

The rules that use them: `verdicts` (what a round's answers do) and `disputes` (closing one).
README, "Fallback provider and verified finals".
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from attrs import field, frozen

from bestshot_domain.model import (
    MatchKey,
    MatchState,
    MatchStatus,
    Observation,
    Score,
    TournamentId,
)

FINAL = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED})
"""Statuses that carry a final (the same as `lifecycle.DECIDED`, which this layer is below)."""

Final = tuple[MatchStatus, Score | None, Score | None]
"""What two finals are compared on: status, score, shoot-out."""


@frozen
class VerifyPolicy:
    """The settings of verification: how long a final must hold in `settle` mode, and how far
    apart two providers' kickoffs of one match may be."""

    settle_window: timedelta = timedelta(minutes=10)
    kickoff_tolerance: timedelta = timedelta(minutes=60)


@frozen
class Answer:
    """One provider's word on a match (`provider` "stored": what was written before)."""

    provider: str
    status: MatchStatus
    score: Score | None = None
    shootout: Score | None = None

    @classmethod
    def of(cls, provider: str, said: Observation | MatchState) -> Answer:
        return cls(provider, said.status, said.score, said.shootout)

    @property
    def final(self) -> Final | None:
        """The final it reports, or None when it reports none."""
        if self.status not in FINAL:
            return None
        return (self.status, self.score, self.shootout)

    def __str__(self) -> str:
        text = f"{self.provider}: {self.status}"
        if self.score is not None:
            text += f" {self.score}"
        if self.shootout is not None:
            text += f" ({self.shootout} on penalties)"
        return text


@frozen
class PendingFinal:
    """A final a provider reported, not written until it has held for the settle window."""

    tournament_id: TournamentId
    match: MatchKey
    answer: Answer
    first_seen: datetime


class DisputeKind(enum.StrEnum):
    DISAGREEMENT = "disagreement"  # the primary and the fallback report different finals
    CHANGED_FINAL = "changed_final"  # a provider changed a final that had settled


class ClosedBy(enum.StrEnum):
    CONVERGED = "converged"  # the providers came to report one final
    ADMIN = "admin"


@frozen
class Dispute:
    """A final the providers do not agree on; the match keeps its last agreed state meanwhile."""

    id: str
    tournament_id: TournamentId
    round_slug: str
    match: MatchKey
    kind: DisputeKind
    answers: tuple[Answer, ...]
    opened_at: datetime
    closed_at: datetime | None = None
    closed_by: ClosedBy | None = None
    reason: str | None = field(default=None)  # why it was closed

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __str__(self) -> str:
        return f"{self.kind} on {self.match}: " + " / ".join(map(str, self.answers))


def dispute_id(tournament_id: TournamentId, match: MatchKey, opened_at: datetime) -> str:
    """A dispute's id, made from what it is (one open dispute per match at a time), so that
    whatever opens it twice opens the same one."""
    digest = hashlib.sha256(f"{tournament_id}|{match}|{opened_at.isoformat()}".encode())
    return digest.hexdigest()[:16]


class VerificationRepository(Protocol):
    """Alias tables, pending finals and disputes. Each tournament's own: writes naming an
    unknown tournament raise NotFound."""

    async def aliases(self, tournament_id: TournamentId) -> Mapping[str, str]:
        """The tournament's alias table (a provider's name -> the name it means)."""
        ...

    async def set_aliases(self, tournament_id: TournamentId, aliases: Mapping[str, str]) -> None:
        """Make the tournament's alias table exactly `aliases`."""
        ...

    async def pending(self, tournament_id: TournamentId) -> Mapping[MatchKey, PendingFinal]:
        """The tournament's pending finals, by match."""
        ...

    async def save_pending(self, finals: Sequence[PendingFinal]) -> None:
        """Insert or replace by match."""
        ...

    async def clear_pending(self, tournament_id: TournamentId, matches: Sequence[MatchKey]) -> None:
        """Remove the pending finals of these matches (none is fine)."""
        ...

    async def disputes(
        self, tournament_id: TournamentId, *, open_only: bool = False
    ) -> Sequence[Dispute]:
        """The tournament's disputes (or its open ones), newest first (by `opened_at`, then id)."""
        ...

    async def dispute(self, tournament_id: TournamentId, dispute_id: str) -> Dispute:
        """One dispute of the tournament, or NotFound."""
        ...

    async def save_disputes(self, disputes: Sequence[Dispute]) -> None:
        """Insert or update by id. Conflict when a match would have two open disputes."""
        ...
