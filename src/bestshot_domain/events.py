"""What the app is told: the events the use cases write to the outbox with their changes.

Each event has a type, the tournament, when it happened and a payload (one of the frozen
classes below). The outbox gives it its id when the change commits; the JSON a consumer reads
is shaped at the edges (`adapters.event_json`). Which change emits which events:
`bestshot_domain.emitting`.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from attrs import field, frozen

from bestshot_domain.model import MatchKey, MatchState, TeamKey, TournamentId
from bestshot_domain.standings import ZoneStatus
from bestshot_domain.verification import Answer, ClosedBy, DisputeKind


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("an event's time must be timezone-aware")
    return value.astimezone(UTC)


class EventType(enum.StrEnum):
    MATCH_UPDATED = "match.updated"  # its status or score changed
    MATCH_FINISHED = "match.finished"  # it has a result for the table now
    MATCH_CORRECTED = "match.corrected"  # a result it had changed afterwards
    STANDINGS_CHANGED = "standings.changed"  # teams moved, or their points changed
    ZONE_DECIDED = "zone.decided"  # a team clinched a zone, or was eliminated from it
    SCHEDULE_FAILED = "schedule.failed"  # a scheduled round update ran out of attempts
    MATCH_OVERRIDDEN = "match.overridden"  # an admin set its state by hand
    MATCH_OVERRIDE_RELEASED = "match.override_released"  # its provider's word applies again
    DISPUTE_OPENED = "dispute.opened"  # providers disagree on a final; it is not written
    DISPUTE_CLOSED = "dispute.closed"  # they converged, or an admin closed it


@frozen
class MatchMoved:
    """The payload of the match events: the match before and after the change."""

    match: MatchKey
    round_slug: str
    home: TeamKey
    away: TeamKey
    before: MatchState | None
    after: MatchState
    reason: str


@frozen
class MatchOverride:
    """The payload of the override events: the match's state before and after (the same for a
    release), the admin's reason and subject."""

    match: MatchKey
    round_slug: str
    home: TeamKey
    away: TeamKey
    before: MatchState
    after: MatchState
    reason: str
    by: str


@frozen
class TeamMove:
    """One team's line of a table before and after (old ones None for a team new to it)."""

    team: TeamKey
    name: str
    group: str | None
    old_position: int | None
    new_position: int
    old_points: int | None
    new_points: int


@frozen
class StandingsChanged:
    moves: tuple[TeamMove, ...]  # by group (None first), then new position


@frozen
class ZoneDecided:
    team: TeamKey
    name: str
    group: str | None
    zone: str
    status: ZoneStatus  # clinched or eliminated


@frozen
class ScheduleFailed:
    """A schedule gave up. Its error text stays in the scheduler: it may name internal URLs."""

    schedule: str
    round_slug: str
    attempts: int


@frozen
class DisputeNoted:
    """The payload of the dispute events: the dispute as it stands."""

    dispute: str
    match: MatchKey
    round_slug: str
    kind: DisputeKind
    answers: tuple[Answer, ...]
    closed_by: ClosedBy | None = None
    reason: str | None = None


Payload = (
    MatchMoved | StandingsChanged | ZoneDecided | ScheduleFailed | MatchOverride | DisputeNoted
)


@frozen
class NewEvent:
    """An event as a use case writes it; the outbox numbers it at commit."""

    type: EventType
    tournament_id: TournamentId
    occurred_at: datetime = field(converter=_utc)
    payload: Payload


@frozen
class Event:
    """A committed event: `id` grows with commit order, so a reader resumes after the last it
    saw and misses nothing."""

    id: int
    type: EventType
    tournament_id: TournamentId
    occurred_at: datetime = field(converter=_utc)
    payload: Payload
