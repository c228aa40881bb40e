"""The committed state of the in-memory database, shared by every unit of work made from it."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from attrs import define, field

from bestshot_domain.events import Event
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

RoundKey = tuple[TournamentId, str]
AdjustmentKey = tuple[TournamentId, TeamKey, str]
DisciplineKey = tuple[MatchKey, TeamKey]


@define
class MemoryStore:
    """What is committed. Values are frozen, so units of work share them without copying."""

    tournaments: dict[TournamentId, Tournament] = field(factory=dict)
    teams: dict[TeamKey, Team] = field(factory=dict)
    members: dict[TournamentId, tuple[Membership, ...]] = field(factory=dict)
    rounds: dict[RoundKey, Round] = field(factory=dict)
    matches: dict[MatchKey, Match] = field(factory=dict)
    changes: list[MatchChange] = field(factory=list)  # by id (ids from 1)
    pruned: set[int] = field(factory=set)  # the ids of changes pruned (the history retention)
    standings: dict[TournamentId, StandingsSnapshot] = field(factory=dict)
    adjustments: dict[AdjustmentKey, PointAdjustment] = field(factory=dict)
    discipline: dict[DisciplineKey, MatchDiscipline] = field(factory=dict)
    overrides: dict[MatchKey, Override] = field(factory=dict)
    # Each tournament's standings revision (absent: 0), raised by writes to the tables' inputs.
    revisions: dict[TournamentId, int] = field(factory=dict)
    # One lock per tournament: what a row lock on the tournament is in PostgreSQL.
    locks: defaultdict[TournamentId, asyncio.Lock] = field(
        factory=lambda: defaultdict(asyncio.Lock)
    )
    events: list[Event] = field(factory=list)  # the outbox, by id (ids from 1)
    aliases: dict[TournamentId, dict[str, str]] = field(factory=dict)
    pending: dict[MatchKey, PendingFinal] = field(factory=dict)
    disputes: dict[str, Dispute] = field(factory=dict)
    commits: int = 0  # how many units of work committed something, for tests
