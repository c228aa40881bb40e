"""A transaction over a MemoryStore: writes kept aside until commit, reads seeing both.

Reads see the latest committed state plus this transaction's own writes (PostgreSQL's READ
COMMITTED). Commit applies the writes at once; a match written here that another transaction
changed since this one first wrote it fails the commit with Conflict, as the row version check
does in the database. Standings revisions raised here are added at commit to what is committed
then, as an UPDATE adds to the row it waited for: concurrent raises are never lost.
"""

from __future__ import annotations

import enum
from collections import Counter
from typing import Any, Generic, TypeVar

from adapters.memory.store import AdjustmentKey, DisciplineKey, MemoryStore, RoundKey
from bestshot_domain.errors import Conflict
from bestshot_domain.events import Event, NewEvent
from bestshot_domain.model import (
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    Membership,
    Override,
    PointAdjustment,
    Round,
    StandingsSnapshot,
    Team,
    TeamKey,
    Tournament,
    TournamentId,
)
from bestshot_domain.verification import Dispute, PendingFinal

K = TypeVar("K")
V = TypeVar("V")


class _Tombstone(enum.Enum):
    DELETED = "deleted"


class Overlay(Generic[K, V]):
    """One table: the committed rows, with this transaction's writes (and deletes) laid over."""

    def __init__(self, committed: dict[K, V]) -> None:
        self._committed = committed
        self._writes: dict[K, V | _Tombstone] = {}

    def get(self, key: K) -> V | None:
        if key in self._writes:
            value = self._writes[key]
            return None if isinstance(value, _Tombstone) else value
        return self._committed.get(key)

    def __contains__(self, key: object) -> bool:
        if key in self._writes:
            return not isinstance(self._writes[key], _Tombstone)
        return key in self._committed

    def items(self) -> list[tuple[K, V]]:
        merged = {**self._committed, **self._writes}
        return [(key, value) for key, value in merged.items() if not isinstance(value, _Tombstone)]

    def values(self) -> list[V]:
        return [value for _, value in self.items()]

    def put(self, key: K, value: V) -> None:
        self._writes[key] = value

    def delete(self, key: K) -> None:
        self._writes[key] = _Tombstone.DELETED

    def committed(self, key: K) -> V | None:
        return self._committed.get(key)

    def flush(self) -> None:
        for key, value in self._writes.items():
            if isinstance(value, _Tombstone):
                self._committed.pop(key, None)
            else:
                self._committed[key] = value
        self._writes.clear()


class Transaction:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.tournaments: Overlay[TournamentId, Tournament] = Overlay(store.tournaments)
        self.teams: Overlay[TeamKey, Team] = Overlay(store.teams)
        self.members: Overlay[TournamentId, tuple[Membership, ...]] = Overlay(store.members)
        self.rounds: Overlay[RoundKey, Round] = Overlay(store.rounds)
        self.matches: Overlay[MatchKey, Match] = Overlay(store.matches)
        self.standings: Overlay[TournamentId, StandingsSnapshot] = Overlay(store.standings)
        self.adjustments: Overlay[AdjustmentKey, PointAdjustment] = Overlay(store.adjustments)
        self.discipline: Overlay[DisciplineKey, MatchDiscipline] = Overlay(store.discipline)
        self.overrides: Overlay[MatchKey, Override] = Overlay(store.overrides)
        self.aliases: Overlay[TournamentId, dict[str, str]] = Overlay(store.aliases)
        self.pending: Overlay[MatchKey, PendingFinal] = Overlay(store.pending)
        self.disputes: Overlay[str, Dispute] = Overlay(store.disputes)
        self.new_changes: list[MatchChange] = []
        self.new_events: list[NewEvent] = []
        # The committed version of each match when this transaction first wrote it (None: absent).
        self._match_bases: dict[MatchKey, int | None] = {}
        self._raised: Counter[TournamentId] = Counter()

    def revision(self, tournament_id: TournamentId) -> int:
        """The tournament's standings revision as this transaction sees it."""
        return self.store.revisions.get(tournament_id, 0) + self._raised[tournament_id]

    def raise_revision(self, *tournament_ids: TournamentId) -> None:
        """Something the tables of these tournaments are computed from was written."""
        for tournament_id in set(tournament_ids):
            self._raised[tournament_id] += 1

    def numbered_changes(self) -> list[tuple[int, MatchChange]]:
        """The changes with their ids (positions in the order recorded, from 1), pruned ones
        left out."""
        every = enumerate([*self.store.changes, *self.new_changes], start=1)
        return [(number, change) for number, change in every if number not in self.store.pruned]

    def changes(self) -> list[MatchChange]:
        return [change for _, change in self.numbered_changes()]

    def write_match(self, match: Match) -> None:
        if match.key not in self._match_bases:
            stored = self.matches.committed(match.key)
            self._match_bases[match.key] = None if stored is None else stored.version
        self.matches.put(match.key, match)

    def commit(self) -> None:
        for key, base in self._match_bases.items():
            stored = self.store.matches.get(key)
            if (None if stored is None else stored.version) != base:
                raise Conflict(f"match {key} was changed by another transaction")
        overlays: tuple[Overlay[Any, Any], ...] = (
            self.tournaments,
            self.teams,
            self.members,
            self.rounds,
            self.matches,
            self.standings,
            self.adjustments,
            self.discipline,
            self.overrides,
            self.aliases,
            self.pending,
            self.disputes,
        )
        for overlay in overlays:
            overlay.flush()
        self.store.changes.extend(self.new_changes)
        first = len(self.store.events) + 1
        self.store.events.extend(
            Event(number, new.type, new.tournament_id, new.occurred_at, new.payload)
            for number, new in enumerate(self.new_events, start=first)
        )
        self.new_events.clear()
        for tournament_id, raised in self._raised.items():
            self.store.revisions[tournament_id] = (
                self.store.revisions.get(tournament_id, 0) + raised
            )
        self.new_changes.clear()
        self._match_bases.clear()
        self._raised.clear()
        self.store.commits += 1
