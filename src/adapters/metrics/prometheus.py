"""The `Metrics` port over prometheus-client, and the scrape's answer (`exposition`).

Each `PrometheusMetrics` keeps its own registry, so that two services in one process (tests)
never count into each other. With several processes serving one port, each counts alone unless
PROMETHEUS_MULTIPROC_DIR names a folder they share (read by prometheus-client when it is first
imported): then every process writes its counts there and a scrape adds them all up. README,
"Metrics".
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from adapters.metrics.port import (
    DeliveryOutcome,
    FetchOperation,
    FetchOutcome,
    FiringOutcome,
)
from bestshot_domain.follow_ups import is_follow_up
from bestshot_domain.model import ChangeKind
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule
from bestshot_domain.round_update import RoundUpdate

# A counter's `_created` series (when it was first counted) doubles what a scrape carries and
# says nothing a dashboard uses. Process-wide, as prometheus-client has it.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

# Providers answer within BESTSHOT_HTTP_DEADLINE_SECONDS (20 s by default) or fail.
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
# Webhook deliveries end within WEBHOOKS_DEADLINE_SECONDS (10 s by default).
DELIVERY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class PrometheusMetrics:
    """Every bestshot metric, in a registry of its own (`registry`)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        if not multiprocess_mode():
            # The process's own figures (CPU, memory, open files, garbage collections);
            # prometheus-client cannot add these up across processes.
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)
        self._fetches = Counter(
            "bestshot_provider_fetches",
            "Fetches from result providers, by provider, operation and outcome.",
            ["provider", "operation", "outcome"],
            registry=registry,
        )
        self._fetch_seconds = Histogram(
            "bestshot_provider_fetch_duration_seconds",
            "How long fetches from result providers took, whatever their outcome.",
            ["provider", "operation"],
            buckets=FETCH_BUCKETS,
            registry=registry,
        )
        self._round_updates = Counter(
            "bestshot_round_updates",
            "Round updates, by outcome: changed (something was written), unchanged, failed.",
            ["outcome"],
            registry=registry,
        )
        self._score_changes = Counter(
            "bestshot_score_changes",
            "Matches whose score a round update changed: updated (a match under way or "
            "just finished), correction (a finished match's score changed afterwards).",
            ["kind"],
            registry=registry,
        )
        self._standings = Counter(
            "bestshot_standings_computations",
            "Tournament tables computed and stored (tables still current are not computed).",
            registry=registry,
        )
        self._schedules = Counter(
            "bestshot_schedules_ensured",
            "Schedules made sure of by the daily plan (kind round) and by round updates "
            "(kind follow_up), by outcome: created, updated, unchanged.",
            ["kind", "outcome"],
            registry=registry,
        )
        self._deleted = Counter(
            "bestshot_schedules_deleted",
            "Schedules of an earlier plan of the day deleted because a newer plan no longer "
            "has them (a moved kickoff).",
            registry=registry,
        )
        self._firings = Counter(
            "bestshot_schedule_firings",
            "Schedules fired by the local worker, by outcome: done, retry, failed, lost.",
            ["outcome"],
            registry=registry,
        )
        self._deliveries = Counter(
            "bestshot_webhook_deliveries",
            "Webhook delivery attempts, by outcome: delivered, failed, disabled.",
            ["outcome"],
            registry=registry,
        )
        self._disputes = Counter(
            "bestshot_disputes",
            "Disputes over a final that round updates opened, or closed when the providers "
            'converged (README, "Fallback provider and verified finals").',
            ["event"],
            registry=registry,
        )
        self._delivery_seconds = Histogram(
            "bestshot_webhook_delivery_duration_seconds",
            "How long webhook delivery attempts took, whatever their outcome.",
            buckets=DELIVERY_BUCKETS,
            registry=registry,
        )
        # Every known series from 0, so that a rate or an alert has a start before the first
        # event (providers' series appear with their first fetch).
        for outcome in ("changed", "unchanged", "failed"):
            self._round_updates.labels(outcome)
        for change in (ChangeKind.UPDATED, ChangeKind.CORRECTION):
            self._score_changes.labels(change.value)
        for kind in ("round", "follow_up"):
            for ensured in EnsureOutcome:
                self._schedules.labels(kind, ensured.value)
        for event in ("opened", "closed"):
            self._disputes.labels(event)
        for firing in FiringOutcome:
            self._firings.labels(firing.value)
        for delivery in DeliveryOutcome:
            self._deliveries.labels(delivery.value)

    def provider_fetched(
        self, provider: str, operation: FetchOperation, outcome: FetchOutcome, seconds: float
    ) -> None:
        self._fetches.labels(provider, operation.value, outcome.value).inc()
        self._fetch_seconds.labels(provider, operation.value).observe(seconds)

    def round_updated(self, update: RoundUpdate | None) -> None:
        if update is None:
            self._round_updates.labels("failed").inc()
            return
        changed = bool(update.saved or update.discipline)
        self._round_updates.labels("changed" if changed else "unchanged").inc()
        self._disputes.labels("opened").inc(len(update.disputes_opened))
        self._disputes.labels("closed").inc(len(update.disputes_closed))
        for change in update.changes:
            before = change.before.score if change.before is not None else None
            if change.after.score != before:
                self._score_changes.labels(change.kind.value).inc()

    def standings_computed(self, tables: int) -> None:
        self._standings.inc(tables)

    def schedule_ensured(self, schedule: PlannedSchedule, outcome: EnsureOutcome) -> None:
        kind = "follow_up" if is_follow_up(schedule.name) else "round"
        self._schedules.labels(kind, outcome.value).inc()

    def schedule_deleted(self, name: str) -> None:
        self._deleted.inc()

    def schedule_fired(self, outcome: FiringOutcome) -> None:
        self._firings.labels(outcome.value).inc()

    def webhook_delivered(self, outcome: DeliveryOutcome, seconds: float) -> None:
        self._deliveries.labels(outcome.value).inc()
        self._delivery_seconds.observe(seconds)

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The scrape's body and its content type: the Prometheus text format, or OpenMetrics
        when `accept` (the request's Accept header) asks for it. In multiprocess mode, the sum
        over every process that wrote to the shared folder."""
        registry = self.registry
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        encode, content_type = choose_encoder(accept)
        return encode(registry), content_type


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))
