"""The edges' shared rules, each in one place: the API's route shapes, the check of a schedule
target, and secret redaction (`bestshot_routes.redaction`, for logs, error reports and errors).

Standard library only: the Lambda ships this package, and the scheduling edges, the local
worker, the EventBridge adapter, the HTTP clients and the API all use it. See docs/sources.md
for the flow.
"""

from bestshot_routes.paths import (
    API_PREFIX,
    DATA_PROVIDER,
    ROUND_ROUTE,
    SCHEDULER_ROUTE,
    STANDINGS_ROUTE,
    round_path,
    standings_path,
)
from bestshot_routes.targets import Aimed, Origin, RefusedTarget, Target, check_target

__all__ = [
    "API_PREFIX",
    "DATA_PROVIDER",
    "ROUND_ROUTE",
    "SCHEDULER_ROUTE",
    "STANDINGS_ROUTE",
    "Aimed",
    "Origin",
    "RefusedTarget",
    "Target",
    "check_target",
    "round_path",
    "standings_path",
]
