"""The `Metrics` port: what the adapters and the edges report, in bounded words (each value
of a label is one of the enums here), and `NO_METRICS`, which counts nothing.

The domain never counts: decorators of its ports (`adapters.metrics.measured`), the local
worker, the webhook dispatcher and the bound use cases report what passes through them.
README, "Metrics".
"""

from __future__ import annotations

import enum
from typing import Protocol

from bestshot_domain.errors import (
    NotFound,
    SourceBlocked,
    SourceFormatError,
    SourceTimeout,
    SourceTooLarge,
    SourceUnavailable,
)
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from bestshot_domain.round_update import RoundUpdate


class FetchOperation(enum.StrEnum):
    FIXTURES = "fixtures"  # a whole tournament (an import)
    ROUND = "round"  # one round's results (a round update)


class FetchOutcome(enum.StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"
    BLOCKED = "blocked"
    BAD_PAYLOAD = "bad_payload"
    ERROR = "error"  # anything else (a bug, most likely)


def fetch_outcome(error: BaseException | None) -> FetchOutcome:
    """The outcome a provider's answer (None) or failure is counted under."""
    if error is None:
        return FetchOutcome.OK
    # The most specific first: a timeout and an answer too large are unavailabilities too.
    kinds = (
        (NotFound, FetchOutcome.NOT_FOUND),
        (SourceTimeout, FetchOutcome.TIMEOUT),
        (SourceTooLarge, FetchOutcome.TOO_LARGE),
        (SourceUnavailable, FetchOutcome.UNAVAILABLE),
        (SourceBlocked, FetchOutcome.BLOCKED),
        (SourceFormatError, FetchOutcome.BAD_PAYLOAD),
    )
    return next((outcome for kind, outcome in kinds if isinstance(error, kind)), FetchOutcome.ERROR)


class FiringOutcome(enum.StrEnum):
    DONE = "done"
    RETRY = "retry"  # failed, another attempt is scheduled
    FAILED = "failed"  # failed for good (a final error, or the last attempt)
    LOST = "lost"  # the claim ran out while firing: another worker has the schedule


class DeliveryOutcome(enum.StrEnum):
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # no 2xx (or no answer): retried later
    DISABLED = "disabled"  # the receiver answered 410: the subscription is disabled


class Metrics(Protocol):
    def provider_fetched(
        self, provider: str, operation: FetchOperation, outcome: FetchOutcome, seconds: float
    ) -> None:
        """A fetch from a provider ended (`seconds` after it began)."""

    def round_updated(self, update: RoundUpdate | None) -> None:
        """A round update ended with `update`, or failed (None)."""

    def standings_computed(self, tables: int) -> None:
        """`tables` snapshots were computed and committed (one per tournament updated)."""

    def schedule_ensured(self, schedule: PlannedSchedule, outcome: EnsureOutcome) -> None:
        """A use case made sure a schedule (a round's, or a follow-up) exists."""

    def schedule_deleted(self, name: str) -> None:
        """A use case deleted a schedule a newer plan no longer has."""

    def schedule_fired(self, outcome: FiringOutcome) -> None:
        """The local worker fired a schedule."""

    def webhook_delivered(self, outcome: DeliveryOutcome, seconds: float) -> None:
        """The dispatcher tried to deliver one event to one subscription."""


class NoMetrics:
    """Counts nothing: the default of every adapter that reports (unit tests, the CLI)."""

    def provider_fetched(
        self, provider: str, operation: FetchOperation, outcome: FetchOutcome, seconds: float
    ) -> None:
        return None

    def round_updated(self, update: RoundUpdate | None) -> None:
        return None

    def standings_computed(self, tables: int) -> None:
        return None

    def schedule_ensured(self, schedule: PlannedSchedule, outcome: EnsureOutcome) -> None:
        return None

    def schedule_deleted(self, name: str) -> None:
        return None

    def schedule_fired(self, outcome: FiringOutcome) -> None:
        return None

    def webhook_delivered(self, outcome: DeliveryOutcome, seconds: float) -> None:
        return None


NO_METRICS: Metrics = NoMetrics()
