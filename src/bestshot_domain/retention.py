"""How long the change history keeps the records that changed nothing: a provider's word on an
overridden match (`observation`), kept beside the override but never applied. Every other
record is a change of the match and is kept for ever. README, "Size and retention".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bestshot_domain.ports import Clock


class ObservationPruner(Protocol):
    async def prune_observations(self, before: datetime, *, batch: int = 1000) -> int:
        """Delete the `observation` records of the history recorded before `before`, `batch`
        at a time; how many went. The other records, and their ids, stay as they were."""
        ...


async def prune_observations(
    pruner: ObservationPruner, *, keep: timedelta | None, clock: Clock
) -> int:
    """Prune the observations older than `keep` (None: kept for ever, nothing is deleted)."""
    if keep is None:
        return 0
    return await pruner.prune_observations(clock.now() - keep)
