"""The history's retention of observations over an in-memory store (`bestshot_domain.retention`):
pruned changes keep their ids, as rows deleted from PostgreSQL leave theirs unused."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.repositories import _io
from adapters.memory.store import MemoryStore
from bestshot_domain.model import ChangeKind


class MemoryObservationPruner:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def prune_observations(self, before: datetime, *, batch: int = 1000) -> int:
        await _io()
        store = self._store
        gone = {
            number
            for number, change in enumerate(store.changes, start=1)
            if change.kind is ChangeKind.OBSERVATION
            and change.recorded_at < before
            and number not in store.pruned
        }
        store.pruned |= gone
        return len(gone)
