"""The Outbox port over an in-memory transaction: events kept aside, numbered at commit."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.repositories import TransactionGetter, _io
from bestshot_domain.errors import InvalidInput
from bestshot_domain.events import Event, NewEvent
from bestshot_domain.model import TournamentId


class MemoryOutbox:
    def __init__(self, transaction: TransactionGetter) -> None:
        self._transaction = transaction

    async def append(self, events: Sequence[NewEvent]) -> None:
        await _io()
        self._transaction().new_events.extend(events)

    async def after(
        self, event_id: int, *, tournament_id: TournamentId | None = None, limit: int = 100
    ) -> Sequence[Event]:
        await _io()
        if limit < 1:
            raise InvalidInput("a page of events holds at least one")
        # Committed ones only: until its commit, an event has no id to be read after.
        found = [
            event
            for event in self._transaction().store.events
            if event.id > event_id and tournament_id in (None, event.tournament_id)
        ]
        return found[:limit]
