"""The read path: what the JSON API's public reads and the console's pages are made of.

Each query opens one unit of work that is never committed (cosmicpython's "views") and answers
with the API's own models, so a page shows exactly what the JSON says; the console adds no
query of its own (README, "The console").
"""

from entrypoints.api.queries.disputes import DisputedMatch, DisputesView
from entrypoints.api.queries.operations import (
    DeliveryLine,
    ScheduleLine,
    ScheduleReader,
    SubscriptionLine,
    WebhookReads,
    local_schedules,
    planned_schedules,
    shown_url,
)
from entrypoints.api.queries.tournaments import (
    PositionsView,
    Queries,
    RoundView,
    StandingsView,
    TournamentLine,
)

__all__ = [
    "DeliveryLine",
    "DisputedMatch",
    "DisputesView",
    "PositionsView",
    "Queries",
    "RoundView",
    "ScheduleLine",
    "ScheduleReader",
    "StandingsView",
    "SubscriptionLine",
    "TournamentLine",
    "WebhookReads",
    "local_schedules",
    "planned_schedules",
    "shown_url",
]
