"""Alias tables, pending finals and disputes over an in-memory transaction, held to the same
contract as `adapters.postgres.verification` (tests/contracts/test_verification_repository.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.memory.repositories import _io, _Repository
from bestshot_domain.errors import Conflict, NotFound
from bestshot_domain.model import MatchKey, TournamentId
from bestshot_domain.verification import Dispute, PendingFinal


class MemoryVerificationRepository(_Repository):
    async def aliases(self, tournament_id: TournamentId) -> Mapping[str, str]:
        await _io()
        return dict(self._tx.aliases.get(tournament_id) or {})

    async def set_aliases(self, tournament_id: TournamentId, aliases: Mapping[str, str]) -> None:
        await _io()
        self._require_tournament(tournament_id)
        self._tx.aliases.put(tournament_id, dict(aliases))

    async def pending(self, tournament_id: TournamentId) -> Mapping[MatchKey, PendingFinal]:
        await _io()
        return {
            key: final
            for key, final in self._tx.pending.items()
            if final.tournament_id == tournament_id
        }

    async def save_pending(self, finals: Sequence[PendingFinal]) -> None:
        await _io()
        for final in finals:
            self._require_match(final.tournament_id, final.match)
        for final in finals:
            self._tx.pending.put(final.match, final)

    async def clear_pending(self, tournament_id: TournamentId, matches: Sequence[MatchKey]) -> None:
        await _io()
        for key in matches:
            final = self._tx.pending.get(key)
            if final is not None and final.tournament_id == tournament_id:
                self._tx.pending.delete(key)

    async def disputes(
        self, tournament_id: TournamentId, *, open_only: bool = False
    ) -> Sequence[Dispute]:
        await _io()
        found = [
            d
            for d in self._tx.disputes.values()
            if d.tournament_id == tournament_id and (d.is_open or not open_only)
        ]
        found.sort(key=lambda d: d.id, reverse=True)
        return sorted(found, key=lambda d: d.opened_at, reverse=True)

    async def dispute(self, tournament_id: TournamentId, dispute_id: str) -> Dispute:
        await _io()
        found = self._tx.disputes.get(dispute_id)
        if found is None or found.tournament_id != tournament_id:
            raise NotFound(f"no dispute {dispute_id!r} in tournament {tournament_id!r}")
        return found

    async def save_disputes(self, disputes: Sequence[Dispute]) -> None:
        await _io()
        merged = dict(self._tx.disputes.items())
        for dispute in disputes:
            self._require_match(dispute.tournament_id, dispute.match)
            merged[dispute.id] = dispute
        open_matches = [d.match for d in merged.values() if d.is_open]
        twice = sorted({key for key in open_matches if open_matches.count(key) > 1})
        if twice:
            raise Conflict(f"a match has one open dispute at a time: {', '.join(twice)}")
        for dispute in disputes:
            self._tx.disputes.put(dispute.id, dispute)

    def _require_match(self, tournament_id: TournamentId, key: MatchKey) -> None:
        match = self._tx.matches.get(key)
        if match is None or match.tournament_id != tournament_id:
            raise NotFound(f"no match {key!r} in tournament {tournament_id!r}")
