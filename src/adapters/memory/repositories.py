"""The repository ports over an in-memory transaction, with the checks a database would make.

Each write that changes what a tournament's tables are computed from raises the tournament's
standings revision, as the triggers do in PostgreSQL (migration 0003): a write that stores what
was stored already raises nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime

from adapters.memory.transaction import Transaction
from bestshot_domain.errors import Conflict, InvalidInput, NotFound
from bestshot_domain.model import (
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    Membership,
    PointAdjustment,
    RecordedChange,
    Round,
    StandingsInputs,
    StandingsSnapshot,
    StandingsStatus,
    TableMatch,
    Team,
    TeamKey,
    Tournament,
    TournamentId,
)
from bestshot_domain.round_reads import RoundRead
from bestshot_domain.tables import table_matches

TransactionGetter = Callable[[], Transaction]


async def _io() -> None:
    """Let other tasks run, as a database round trip would: concurrency bugs in the use cases
    (a missing lock, a lost update) show up on this adapter too, not only on PostgreSQL."""
    await asyncio.sleep(0)


def _by_kickoff(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda match: (match.kickoff, match.key))


class _Repository:
    def __init__(self, transaction: TransactionGetter) -> None:
        self._transaction = transaction

    @property
    def _tx(self) -> Transaction:
        return self._transaction()

    def _require_tournament(self, tournament_id: TournamentId) -> Tournament:
        tournament = self._tx.tournaments.get(tournament_id)
        if tournament is None:
            raise NotFound(f"no tournament {tournament_id!r}")
        return tournament

    def _require_team(self, key: TeamKey) -> None:
        if key not in self._tx.teams:
            raise NotFound(f"no team {key!r}")


class MemoryTournamentRepository(_Repository):
    def __init__(
        self, transaction: TransactionGetter, lock: Callable[[TournamentId], Awaitable[None]]
    ) -> None:
        super().__init__(transaction)
        self._lock = lock

    async def get(self, tournament_id: TournamentId) -> Tournament:
        await _io()
        return self._require_tournament(tournament_id)

    async def list(self) -> Sequence[Tournament]:
        await _io()
        return sorted(self._tx.tournaments.values(), key=lambda tournament: tournament.id)

    async def save(self, tournament: Tournament) -> None:
        await _io()
        stored = self._tx.tournaments.get(tournament.id)
        if stored is not None and (stored.rules, stored.zones, stored.season) != (
            tournament.rules,
            tournament.zones,
            tournament.season,
        ):
            self._tx.raise_revision(tournament.id)
        self._tx.tournaments.put(tournament.id, tournament)

    async def lock(self, tournament_id: TournamentId) -> None:
        await _io()
        self._require_tournament(tournament_id)
        await self._lock(tournament_id)

    async def claim(self, tournament_id: TournamentId) -> bool:
        await _io()
        await self._lock(tournament_id)
        return tournament_id in self._tx.tournaments


class MemoryTeamRepository(_Repository):
    async def save_many(self, teams: Sequence[Team]) -> None:
        await _io()
        renamed = set()
        for team in {team.key: team for team in teams}.values():  # the last of a key wins
            stored = self._tx.teams.get(team.key)
            if stored is not None and stored != team:
                renamed.add(team.key)
            self._tx.teams.put(team.key, team)
        if renamed:
            self._tx.raise_revision(
                *(
                    tournament_id
                    for tournament_id, members in self._tx.members.items()
                    if any(member.team in renamed for member in members)
                )
            )

    async def get_many(self, keys: Sequence[TeamKey]) -> Mapping[TeamKey, Team]:
        await _io()
        found = {key: self._tx.teams.get(key) for key in keys}
        return {key: team for key, team in found.items() if team is not None}

    async def members(self, tournament_id: TournamentId) -> Sequence[Membership]:
        await _io()
        return sorted(
            self._tx.members.get(tournament_id) or (),
            key=lambda member: (member.group is None, member.group or "", member.team),
        )

    async def set_members(self, tournament_id: TournamentId, members: Sequence[Membership]) -> None:
        await _io()
        self._require_tournament(tournament_id)
        for member in members:
            if member.tournament_id != tournament_id:
                raise InvalidInput(f"{member} is not a membership of {tournament_id!r}")
            self._require_team(member.team)
        repeated = [team for team, count in Counter(m.team for m in members).items() if count > 1]
        if repeated:
            raise InvalidInput(f"teams listed twice in {tournament_id!r}: {', '.join(repeated)}")
        if set(self._tx.members.get(tournament_id) or ()) != set(members):
            self._tx.raise_revision(tournament_id)
        self._tx.members.put(tournament_id, tuple(members))


class MemoryRoundRepository(_Repository):
    async def get(self, tournament_id: TournamentId, slug: str) -> Round:
        await _io()
        found = self._tx.rounds.get((tournament_id, slug))
        if found is None:
            raise NotFound(f"no round {slug!r} in tournament {tournament_id!r}")
        return found

    async def read(self, tournament_id: TournamentId, slug: str) -> RoundRead:
        tournament = self._require_tournament(tournament_id)
        round_ = await self.get(tournament_id, slug)
        matches = await MemoryMatchRepository(self._transaction).for_round(tournament_id, slug)
        found = ((key, self._tx.overrides.get(key)) for key in sorted(m.key for m in matches))
        overrides = {key: override for key, override in found if override is not None}
        return RoundRead(tournament, round_, matches, overrides)

    async def list(self, tournament_id: TournamentId) -> Sequence[Round]:
        await _io()
        return sorted(
            (r for r in self._tx.rounds.values() if r.tournament_id == tournament_id),
            key=lambda r: (r.order, r.slug),
        )

    async def save_many(self, rounds: Sequence[Round]) -> None:
        await _io()
        for round_ in rounds:
            self._require_tournament(round_.tournament_id)
        for round_ in rounds:
            key = (round_.tournament_id, round_.slug)
            if self._tx.rounds.get(key) != round_:
                self._tx.raise_revision(round_.tournament_id)
            self._tx.rounds.put(key, round_)


class MemoryMatchRepository(_Repository):
    async def for_round(self, tournament_id: TournamentId, round_slug: str) -> Sequence[Match]:
        await _io()
        return _by_kickoff(
            [
                m
                for m in self._tx.matches.values()
                if m.tournament_id == tournament_id and m.round_slug == round_slug
            ]
        )

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[Match]:
        await _io()
        return _by_kickoff(
            [m for m in self._tx.matches.values() if m.tournament_id == tournament_id]
        )

    async def kicking_off(self, start: datetime, end: datetime) -> Sequence[Match]:
        await _io()
        return _by_kickoff([m for m in self._tx.matches.values() if start <= m.kickoff < end])

    async def get_many(self, keys: Sequence[MatchKey]) -> Mapping[MatchKey, Match]:
        await _io()
        found = ((key, self._tx.matches.get(key)) for key in keys)
        return {key: match for key, match in found if match is not None}

    async def save_many(self, matches: Sequence[Match]) -> None:
        await _io()
        repeated = [key for key, count in Counter(m.key for m in matches).items() if count > 1]
        if repeated:
            raise InvalidInput(f"matches saved twice in one batch: {', '.join(repeated)}")
        for match in matches:  # every check before any write: a batch is all or nothing
            self._require_tournament(match.tournament_id)
            if (match.tournament_id, match.round_slug) not in self._tx.rounds:
                raise NotFound(f"no round {match.round_slug!r} in {match.tournament_id!r}")
            self._require_team(match.home)
            self._require_team(match.away)
            stored = self._tx.matches.get(match.key)
            if stored is not None and stored.version != match.version - 1:
                raise Conflict(
                    f"match {match.key} is at version {stored.version}, "
                    f"not {match.version - 1} as this update expects"
                )
        for match in matches:
            # Inserted, or changed (a new version): the tables of its tournament (and of the
            # one it leaves) change.
            stored = self._tx.matches.get(match.key)
            left = () if stored is None else (stored.tournament_id,)
            self._tx.raise_revision(match.tournament_id, *left)
            self._tx.write_match(match)


class MemoryChangeRepository(_Repository):
    async def record_many(self, changes: Sequence[MatchChange]) -> None:
        await _io()
        for change in changes:
            if change.match not in self._tx.matches:
                raise NotFound(f"no match {change.match!r} to record a change of")
        self._tx.new_changes.extend(changes)

    async def for_match(self, match: MatchKey) -> Sequence[MatchChange]:
        await _io()
        # sorted() is stable: equal times stay in the order recorded.
        return sorted(
            (c for c in self._tx.changes() if c.match == match), key=lambda c: c.recorded_at
        )

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchChange]:
        await _io()
        return sorted(
            (c for c in self._tx.changes() if c.tournament_id == tournament_id),
            key=lambda c: c.recorded_at,
        )

    async def history(
        self, match: MatchKey, *, before: int | None = None, limit: int = 50
    ) -> Sequence[RecordedChange]:
        await _io()
        if limit < 1:
            raise InvalidInput("a page of history holds at least one change")
        # Ids are positions in the order recorded, as the identity column counts in PostgreSQL.
        found = [
            RecordedChange(number, change)
            for number, change in self._tx.numbered_changes()
            if change.match == match and (before is None or number < before)
        ]
        return found[::-1][:limit]


class MemoryStandingsRepository(_Repository):
    def __init__(
        self, transaction: TransactionGetter, lock: Callable[[TournamentId], Awaitable[None]]
    ) -> None:
        super().__init__(transaction)
        self._lock = lock

    async def save(self, snapshot: StandingsSnapshot) -> None:
        await _io()
        self._require_tournament(snapshot.tournament_id)
        self._tx.standings.put(snapshot.tournament_id, snapshot)

    async def save_if_current(self, snapshot: StandingsSnapshot, seen: StandingsStatus) -> bool:
        self._require_tournament(snapshot.tournament_id)
        await self._lock(snapshot.tournament_id)
        now = await self.status(snapshot.tournament_id)
        stored = None if now.snapshot is None else now.snapshot.computed_at
        if now.revision != seen.revision or stored != (
            None if seen.snapshot is None else seen.snapshot.computed_at
        ):
            return False
        await self.save(snapshot)
        return True

    async def get(self, tournament_id: TournamentId) -> StandingsSnapshot | None:
        await _io()
        return self._tx.standings.get(tournament_id)

    async def status(self, tournament_id: TournamentId) -> StandingsStatus:
        await _io()
        tournament = self._require_tournament(tournament_id)
        return StandingsStatus(
            self._tx.revision(tournament_id),
            tournament.rules,
            self._tx.standings.get(tournament_id),
        )

    async def current(
        self, tournament_id: TournamentId, engine: str
    ) -> tuple[StandingsStatus, StandingsInputs | None]:
        status = await self.status(tournament_id)
        if status.reusable(engine) is not None:
            return status, None
        return status, await self.inputs(tournament_id)

    async def inputs(self, tournament_id: TournamentId) -> StandingsInputs:
        # The same reads the ports offer one by one, over the same transaction.
        tournament = self._require_tournament(tournament_id)
        teams = MemoryTeamRepository(self._transaction)
        members = tuple(await teams.members(tournament_id))
        matches = MemoryMatchRepository(self._transaction)
        rounds = tuple(await MemoryRoundRepository(self._transaction).list(tournament_id))
        results, knockout = table_matches(
            tournament,
            rounds,
            tuple(map(TableMatch.of, await matches.for_tournament(tournament_id))),
            await MemoryDisciplineRepository(self._transaction).for_tournament(tournament_id),
        )
        return StandingsInputs(
            tournament=tournament,
            members=members,
            teams=await teams.get_many([member.team for member in members]),
            rounds=rounds,
            results=results,
            knockout=knockout,
            adjustments=tuple(
                await MemoryAdjustmentRepository(self._transaction).for_tournament(tournament_id)
            ),
            revision=self._tx.revision(tournament_id),
        )


class MemoryAdjustmentRepository(_Repository):
    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[PointAdjustment]:
        await _io()
        return sorted(
            (a for a in self._tx.adjustments.values() if a.tournament_id == tournament_id),
            key=lambda a: (a.team, a.reason),
        )

    async def save(self, adjustment: PointAdjustment) -> None:
        await _io()
        self._require_tournament(adjustment.tournament_id)
        self._require_team(adjustment.team)
        key = (adjustment.tournament_id, adjustment.team, adjustment.reason)
        if self._tx.adjustments.get(key) != adjustment:
            self._tx.raise_revision(adjustment.tournament_id)
        self._tx.adjustments.put(key, adjustment)

    async def delete_for_team(self, tournament_id: TournamentId, team: TeamKey) -> int:
        await _io()
        keys = [key for key, _ in self._tx.adjustments.items() if key[:2] == (tournament_id, team)]
        for key in keys:
            self._tx.adjustments.delete(key)
        if keys:
            self._tx.raise_revision(tournament_id)
        return len(keys)


class MemoryDisciplineRepository(_Repository):
    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchDiscipline]:
        await _io()
        records = []
        for record in self._tx.discipline.values():
            match = self._tx.matches.get(record.match)
            if match is not None and match.tournament_id == tournament_id:
                records.append(record)
        return sorted(records, key=lambda record: (record.match, record.team))

    async def save_many(self, records: Sequence[MatchDiscipline]) -> None:
        await _io()
        for record in records:
            if record.match not in self._tx.matches:
                raise NotFound(f"no match {record.match!r} for its cards")
            self._require_team(record.team)
        unique = {(record.match, record.team): record for record in records}  # the last wins
        for key, record in unique.items():
            match = self._tx.matches.get(record.match)
            if match is not None and self._tx.discipline.get(key) != record:
                self._tx.raise_revision(match.tournament_id)
            self._tx.discipline.put(key, record)
