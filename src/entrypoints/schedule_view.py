"""How the edges show a planned schedule: the URLs it calls and its scheduler expression.

The domain plans in its own terms (`PlannedSchedule`); the API's answer and `bestshot schedules
list` show what a scheduler makes of it, computed here from the settings.
"""

from __future__ import annotations

from attrs import frozen

from adapters.eventbridge.expressions import ExpressionStyle, expression
from bestshot_domain.errors import InvalidInput
from bestshot_domain.ports import PlannedSchedule
from bestshot_routes import Origin, Target
from entrypoints.settings import Settings


def api_origin(settings: Settings) -> Origin:
    """API_DOMAIN as the origin schedules call back; InvalidInput when it names none."""
    try:
        return Origin.parse(settings.service.api_domain)
    except ValueError as error:
        raise InvalidInput(f"API_DOMAIN: {error}") from None


@frozen
class ScheduleView:
    origin: Origin
    style: ExpressionStyle = ExpressionStyle.AT

    @classmethod
    def of(cls, settings: Settings) -> ScheduleView:
        return cls(api_origin(settings), ExpressionStyle(settings.scheduling.expression))

    def target(self, schedule: PlannedSchedule) -> Target:
        return self.origin.target(schedule.tournament_id, schedule.round_slug, schedule.target_env)

    def expression(self, schedule: PlannedSchedule) -> str:
        return expression(schedule.fire_at, self.style)
