"""The OverrideRepository port over an in-memory transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.memory.repositories import TransactionGetter, _io
from bestshot_domain.errors import NotFound
from bestshot_domain.model import MatchKey, Override, TournamentId


class MemoryOverrideRepository:
    def __init__(self, transaction: TransactionGetter) -> None:
        self._transaction = transaction

    async def get(self, match: MatchKey) -> Override | None:
        await _io()
        return self._transaction().overrides.get(match)

    async def for_round(
        self, tournament_id: TournamentId, round_slug: str
    ) -> Mapping[MatchKey, Override]:
        await _io()
        tx = self._transaction()
        found = {}
        for key, override in sorted(tx.overrides.items()):
            match = tx.matches.get(key)
            if match is not None and (match.tournament_id, match.round_slug) == (
                tournament_id,
                round_slug,
            ):
                found[key] = override
        return found

    async def save_many(self, overrides: Sequence[Override]) -> None:
        await _io()
        tx = self._transaction()
        for override in overrides:
            if override.match not in tx.matches:
                raise NotFound(f"no match {override.match!r} to override")
        for override in overrides:
            tx.overrides.put(override.match, override)

    async def delete(self, match: MatchKey) -> bool:
        await _io()
        tx = self._transaction()
        if match not in tx.overrides:
            return False
        tx.overrides.delete(match)
        return True
