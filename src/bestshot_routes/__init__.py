"""The API's route shapes and the check of a schedule target, in one place.

Standard library only: the Lambda ships this package, and the scheduling edges, the local
worker, the EventBridge adapter and the API all use it. See docs/sources.md for the flow.
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
