"""The ports: what the use cases need from the world, in the domain's own words.

Each is a `typing.Protocol`. Adapters implement them (`adapters.memory` for tests and the demo,
`adapters.postgres`, `adapters.sources.*`, `adapters.eventbridge`, `adapters.local_scheduler`)
and translate their failures into `bestshot_domain.errors`. Every adapter of a port passes the
same contract suite in `tests/contracts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bestshot_domain.events import Event, NewEvent
from bestshot_domain.model import (
    Fixtures,
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    Membership,
    Observation,
    Override,
    PointAdjustment,
    RecordedChange,
    Round,
    StandingsInputs,
    StandingsSnapshot,
    StandingsStatus,
    Team,
    TeamKey,
    Tournament,
    TournamentId,
)
from bestshot_domain.round_reads import RoundRead

# The scheduler port lives in `scheduler_port`; re-exported (`as X`, PEP 484) so that callers
# keep taking it from the ports.
from bestshot_domain.scheduler_port import EnsureOutcome as EnsureOutcome  # noqa: PLC0414
from bestshot_domain.scheduler_port import PlannedSchedule as PlannedSchedule  # noqa: PLC0414
from bestshot_domain.scheduler_port import Scheduler as Scheduler  # noqa: PLC0414
from bestshot_domain.scheduler_port import Survey as Survey  # noqa: PLC0414
from bestshot_domain.verification import VerificationRepository

# Repositories. Reads of something that must exist raise NotFound; writes are upserts keyed by
# the natural key named in each docstring, so that replaying an import changes nothing. A write
# that refers to something not stored (a match of an unknown round, a member that is no team)
# raises NotFound, as a foreign key would. Orderings compare strings by code point (what
# `COLLATE "C"` does in SQL), so that every adapter lists in the same order.


class TournamentRepository(Protocol):
    async def get(self, tournament_id: TournamentId) -> Tournament:
        """The tournament, or NotFound."""
        ...

    async def list(self) -> Sequence[Tournament]:
        """Every tournament, ordered by id."""
        ...

    async def save(self, tournament: Tournament) -> None:
        """Insert or update by id."""
        ...

    async def lock(self, tournament_id: TournamentId) -> None:
        """Serialize writers: until this unit of work's transaction ends (commit, rollback or
        leaving the block), any other unit of work locking this tournament waits.

        Locking again in the same unit of work returns at once. Raises NotFound when the
        tournament does not exist (as this unit of work sees it).
        """
        ...

    async def claim(self, tournament_id: TournamentId) -> bool:
        """`lock` for an id whose tournament may not exist yet (an import about to create it):
        any other unit of work claiming or locking this id waits until this one's transaction
        ends. Whether the tournament exists, as this unit of work sees it once it holds the id.

        Claiming or locking again in the same unit of work returns at once.
        """
        ...


class TeamRepository(Protocol):
    async def save_many(self, teams: Sequence[Team]) -> None:
        """Insert or update by key (provider and external id)."""
        ...

    async def get_many(self, keys: Sequence[TeamKey]) -> Mapping[TeamKey, Team]:
        """The teams that exist among `keys` (missing keys are simply absent)."""
        ...

    async def members(self, tournament_id: TournamentId) -> Sequence[Membership]:
        """The teams of a tournament with their groups, ordered by group (teams without a group
        last), then team key."""
        ...

    async def set_members(self, tournament_id: TournamentId, members: Sequence[Membership]) -> None:
        """Make the tournament's membership exactly `members`.

        NotFound when the tournament or one of the teams does not exist.
        """
        ...


class RoundRepository(Protocol):
    async def get(self, tournament_id: TournamentId, slug: str) -> Round:
        """The round, or NotFound."""
        ...

    async def list(self, tournament_id: TournamentId) -> Sequence[Round]:
        """The tournament's rounds ordered by `order`, then slug."""
        ...

    async def read(self, tournament_id: TournamentId, slug: str) -> RoundRead:
        """The tournament, the round, its matches and their overrides in as few round trips as
        the technology allows; NotFound as `tournaments.get`, then `get`, would raise it."""
        ...

    async def save_many(self, rounds: Sequence[Round]) -> None:
        """Insert or update by (tournament, slug); NotFound when the tournament does not exist."""
        ...


class MatchRepository(Protocol):
    async def for_round(self, tournament_id: TournamentId, round_slug: str) -> Sequence[Match]:
        """The round's matches ordered by kickoff, then key."""
        ...

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[Match]:
        """Every match of the tournament ordered by kickoff, then key."""
        ...

    async def kicking_off(self, start: datetime, end: datetime) -> Sequence[Match]:
        """Matches of every tournament whose kickoff is in [start, end), by kickoff then key."""
        ...

    async def get_many(self, keys: Sequence[MatchKey]) -> Mapping[MatchKey, Match]:
        """The stored matches among `keys`, whichever tournament holds them; unknown keys are
        left out."""
        ...

    async def save_many(self, matches: Sequence[Match]) -> None:
        """Insert or update by key, in as few round trips as the technology allows.

        A match not stored yet is inserted as it is (new matches have version 0). An update whose
        stored version is not `match.version - 1` (someone else changed the match since it was
        read, or inserted it meanwhile) raises Conflict; NotFound when the tournament, the round
        or a team does not exist. Either way nothing of the batch is written.
        """
        ...


class ChangeRepository(Protocol):
    async def record_many(self, changes: Sequence[MatchChange]) -> None:
        """Append to the history; NotFound when a change's match is not stored."""
        ...

    async def for_match(self, match: MatchKey) -> Sequence[MatchChange]:
        """A match's history, oldest first (by `recorded_at`, then in the order recorded)."""
        ...

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchChange]:
        """A tournament's history, oldest first (by `recorded_at`, then in the order recorded)."""
        ...

    async def history(
        self, match: MatchKey, *, before: int | None = None, limit: int = 50
    ) -> Sequence[RecordedChange]:
        """A match's history newest first (in the order recorded), with ids that grow with that
        order: at most `limit` (InvalidInput below 1), of ids below `before` when given."""
        ...


class OverrideRepository(Protocol):
    """Admins' overrides (`overrides`), one per match at most."""

    async def get(self, match: MatchKey) -> Override | None:
        """The match's override, or None."""
        ...

    async def for_round(
        self, tournament_id: TournamentId, round_slug: str
    ) -> Mapping[MatchKey, Override]:
        """The overrides of the round's matches, by match key."""
        ...

    async def save_many(self, overrides: Sequence[Override]) -> None:
        """Insert or replace by match; NotFound for a match not stored."""
        ...

    async def delete(self, match: MatchKey) -> bool:
        """Remove the match's override; whether there was one."""
        ...


class StandingsRepository(Protocol):
    """Computed tables (snapshots), and the standings revision they are computed at.

    Each tournament has a standings revision (`status`): a count that every write to what its
    tables are computed from raises, within the writing unit of work, and that a rollback
    takes back. What raises it: a match of the tournament inserted, changed or deleted; the
    cards of one of its matches stored or changed; a point adjustment of it stored, changed or
    deleted; its membership changed; one of its rounds inserted, changed or deleted; the name
    (or code) of one of its member teams changed; its rules or zones changed. A write that
    stores what was already stored does not raise it. Concurrent writers never lose a raise:
    each adds to what the other committed. A new tournament starts at 0.

    `status` and `inputs` live here, with the snapshots, because they answer the one question
    a snapshot raises: is the stored one still current, and if not, what is it computed from.
    """

    async def save(self, snapshot: StandingsSnapshot) -> None:
        """Replace the tournament's stored tables with these (and their revision and engine);
        NotFound for an unknown tournament."""
        ...

    async def save_if_current(self, snapshot: StandingsSnapshot, seen: StandingsStatus) -> bool:
        """`save`, unless what the tables are computed from changed since `seen` was read (the
        tournament's revision is no longer `seen.revision`) or other tables were stored since
        (not `seen.snapshot`, by its `computed_at`): then nothing is written, and False. Takes
        the tournament's lock as `TournamentRepository.lock` does, until the unit of work ends,
        so that nothing changes the revision before the tables are committed."""
        ...

    async def get(self, tournament_id: TournamentId) -> StandingsSnapshot | None:
        """The last stored tables, or None when none were computed yet."""
        ...

    async def status(self, tournament_id: TournamentId) -> StandingsStatus:
        """The tournament's standings revision and rules as they are now, with its last stored
        snapshot (as `get` gives it), read in as few round trips as the technology allows.
        NotFound for an unknown tournament."""
        ...

    async def inputs(self, tournament_id: TournamentId) -> StandingsInputs:
        """What the tables are computed from, read in as few round trips as the technology
        allows: exactly what `tournaments.get`, `teams.members`, `teams.get_many` (of the
        members), `rounds.list`, `matches.for_tournament` (each as a `TableMatch`),
        `adjustments.for_tournament`, `discipline.for_tournament` and the revision of `status`
        would give in this unit of work. NotFound for an unknown tournament."""
        ...

    async def current(
        self, tournament_id: TournamentId, engine: str
    ) -> tuple[StandingsStatus, StandingsInputs | None]:
        """`status`, with `inputs` when its snapshot is not `reusable(engine)` (else None), in
        one read where the technology allows: what a standings update reads first."""
        ...


class AdjustmentRepository(Protocol):
    """Point adjustments; each write that changes one raises its tournament's standings
    revision (`StandingsRepository`)."""

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[PointAdjustment]:
        """The tournament's point adjustments, ordered by team key then reason."""
        ...

    async def save(self, adjustment: PointAdjustment) -> None:
        """Insert or replace by (tournament, team, reason); NotFound for an unknown tournament
        or team."""
        ...

    async def delete_for_team(self, tournament_id: TournamentId, team: TeamKey) -> int:
        """Remove every adjustment of `team` in the tournament; how many there were."""
        ...


class DisciplineRepository(Protocol):
    """The cards of each side in each match, for the fair-play criteria; each write that
    changes them raises the match's tournament's standings revision (`StandingsRepository`)."""

    async def for_tournament(self, tournament_id: TournamentId) -> Sequence[MatchDiscipline]:
        """The cards of the tournament's matches, ordered by match key then team key."""
        ...

    async def save_many(self, records: Sequence[MatchDiscipline]) -> None:
        """Insert or replace by (match, team); NotFound for an unknown match or team."""
        ...


class Outbox(Protocol):
    """The event feed (`bestshot_domain.events`), written with the changes that cause it."""

    async def append(self, events: Sequence[NewEvent]) -> None:
        """Add events, in order, to this unit of work: they are committed (and numbered, in
        commit order: an event committed later has a higher id) with it, or not at all."""
        ...

    async def after(
        self, event_id: int, *, tournament_id: TournamentId | None = None, limit: int = 100
    ) -> Sequence[Event]:
        """Committed events with an id above `event_id` (of one tournament, when given),
        ordered by id, at most `limit` of them."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository. Leaving the block without `commit()` rolls back.

    Its repositories work only inside `async with`. Reads see the unit of work's own writes.
    """

    tournaments: TournamentRepository
    teams: TeamRepository
    rounds: RoundRepository
    matches: MatchRepository
    changes: ChangeRepository
    standings: StandingsRepository
    adjustments: AdjustmentRepository
    discipline: DisciplineRepository
    overrides: OverrideRepository
    outbox: Outbox
    verification: VerificationRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Each call opens a fresh unit of work: `async with uow_factory() as uow: ...`."""


# Result providers.


class ResultSource(Protocol):
    """One provider of fixtures and results. Failures are SourceError subclasses."""

    @property
    def provider(self) -> str:
        """The provider's name, as stored in Tournament.provider and Team/Match keys."""
        ...

    async def fixtures(self, reference: str) -> Fixtures:
        """The whole tournament: teams (with groups), rounds and matches with their state.

        Every match names teams and a round of the same fixtures and has a kickoff; round slugs
        are URL-safe (`text.SLUG_PATTERN`). NotFound when the provider does not know `reference`.
        """
        ...

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        """What the provider says now of one round: only matches of that round.

        `round_.reference` is the provider's own round id (from `SourceRound.reference`, or its
        slug when that was empty). `matches` are the stored matches of the round, for providers
        that look results up by date or by match id rather than by round.
        """
        ...


ResultSources = Mapping[str, ResultSource]
"""The configured sources by provider name."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...
