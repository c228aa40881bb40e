"""In-memory implementations of every port: real behaviour, no server.

They pass the same contract suites as the PostgreSQL and cloud adapters, so that the use cases
and the demo run on them unchanged.
"""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from adapters.memory.clock import SettableClock
from adapters.memory.plan_runs import MemoryPlanRunStore
from adapters.memory.retention import MemoryObservationPruner
from adapters.memory.scheduler import MemoryScheduler
from adapters.memory.source import ScriptedSource
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork, MemoryUnitOfWorkFactory
from adapters.memory.webhooks import MemoryWebhookStore

if TYPE_CHECKING:
    from bestshot_domain.plan_runs import PlanRunStore
    from bestshot_domain.ports import (
        Clock,
        ResultSource,
        Scheduler,
        UnitOfWorkFactory,
    )
    from bestshot_domain.retention import ObservationPruner
    from bestshot_domain.subscriptions import WebhookStore

__all__ = [
    "MemoryObservationPruner",
    "MemoryPlanRunStore",
    "MemoryScheduler",
    "MemoryStore",
    "MemoryUnitOfWork",
    "MemoryUnitOfWorkFactory",
    "MemoryWebhookStore",
    "ScriptedSource",
    "SettableClock",
]

if TYPE_CHECKING:  # mypy proves each one implements its port

    def _ports(
        store: MemoryStore,
    ) -> tuple[
        UnitOfWorkFactory,
        Scheduler,
        ResultSource,
        Clock,
        WebhookStore,
        PlanRunStore,
        ObservationPruner,
    ]:
        return (
            MemoryUnitOfWorkFactory(store),
            MemoryScheduler(),
            ScriptedSource(),
            SettableClock(datetime.now(UTC)),
            MemoryWebhookStore(MemoryUnitOfWorkFactory(store)),
            MemoryPlanRunStore(),
            MemoryObservationPruner(store),
        )
