"""Metrics: the `Metrics` port (`port`), its Prometheus implementation (`prometheus`) and
decorators of the domain's ports that report what passes through them (`measured`).
README, "Metrics".
"""

from adapters.metrics.measured import MeasuredScheduler, MeasuredSource, measured_unit_of_work
from adapters.metrics.port import (
    NO_METRICS,
    DeliveryOutcome,
    FetchOperation,
    FetchOutcome,
    FiringOutcome,
    Metrics,
    NoMetrics,
    fetch_outcome,
)
from adapters.metrics.prometheus import PrometheusMetrics

__all__ = [
    "NO_METRICS",
    "DeliveryOutcome",
    "FetchOperation",
    "FetchOutcome",
    "FiringOutcome",
    "MeasuredScheduler",
    "MeasuredSource",
    "Metrics",
    "NoMetrics",
    "PrometheusMetrics",
    "fetch_outcome",
    "measured_unit_of_work",
]
