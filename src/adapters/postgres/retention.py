"""The history's retention of observations in PostgreSQL (`bestshot_domain.retention`).

A batch per statement, through `match_changes_observations` (migration 0011), so that a first
prune of a long history holds no lock for long; each batch commits on its own.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from adapters.postgres.errors import storage_errors

# No event names an observation (adapters.postgres.outbox leaves them out), so none loses the
# change its payload is rendered from.
_PRUNE = """
    DELETE FROM match_changes WHERE id IN (
        SELECT id FROM match_changes
        WHERE kind = 'observation' AND recorded_at < $1
        LIMIT $2
    )
"""


class PostgresObservationPruner:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def prune_observations(self, before: datetime, *, batch: int = 1000) -> int:
        pruned = 0
        while True:
            with storage_errors():
                status = await self._pool.execute(_PRUNE, before, batch)
            count = int(status.split()[-1])
            pruned += count
            if count < batch:
                return pruned
