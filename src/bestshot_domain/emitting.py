"""Which events a change emits: pure functions from what a use case writes to `NewEvent`s.

The use cases append their results to the outbox in the unit of work of the change itself, so
that an event exists if and only if its change committed (`bestshot_domain.events`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bestshot_domain.events import (
    DisputeNoted,
    EventType,
    MatchMoved,
    MatchOverride,
    NewEvent,
    ScheduleFailed,
    StandingsChanged,
    TeamMove,
    ZoneDecided,
)
from bestshot_domain.lifecycle import DECIDED
from bestshot_domain.model import ChangeKind, Match, MatchChange, StandingsSnapshot, TournamentId
from bestshot_domain.standings import StandingsRow, ZoneStatus
from bestshot_domain.verification import Dispute

_DECIDED_ZONE = frozenset({ZoneStatus.CLINCHED, ZoneStatus.ELIMINATED})
_MOVES = frozenset({ChangeKind.UPDATED, ChangeKind.CORRECTION, ChangeKind.OVERRIDE})


def match_events(matches: Sequence[Match], changes: Sequence[MatchChange]) -> list[NewEvent]:
    """The events of applied match changes, in the order of the changes.

    An update that changes the status or the score is `match.updated`, followed by
    `match.finished` when the match has a result now and had none before; a correction is
    `match.corrected`. A new kickoff alone, or a match first seen on import, says nothing. An
    override that changes the match says what a provider's change would (`match.corrected` for
    a match that had its result); observations and releases change no match, so say nothing.
    """
    by_key = {match.key: match for match in matches}
    events: list[NewEvent] = []
    for change in changes:
        match = by_key.get(change.match)
        before, after = change.before, change.after
        if match is None or before is None or change.kind not in _MOVES:
            continue
        payload = MatchMoved(
            change.match,
            change.round_slug,
            match.home,
            match.away,
            before,
            after,
            change.reason,
        )
        if change.kind is ChangeKind.CORRECTION or (
            change.kind is ChangeKind.OVERRIDE and before.status in DECIDED and before != after
        ):
            kinds = [EventType.MATCH_CORRECTED]
        elif (before.status, before.score) == (after.status, after.score):
            kinds = []
        elif after.status in DECIDED and before.status not in DECIDED:
            kinds = [EventType.MATCH_UPDATED, EventType.MATCH_FINISHED]
        else:
            kinds = [EventType.MATCH_UPDATED]
        events.extend(
            NewEvent(kind, change.tournament_id, change.recorded_at, payload) for kind in kinds
        )
    return events


def standings_events(
    previous: StandingsSnapshot | None, current: StandingsSnapshot
) -> list[NewEvent]:
    """What new tables say against the previously stored ones: one `standings.changed` naming
    each team whose position or points changed (every team, with no old values, for the first
    tables; none when no team moved), then a `zone.decided` for each zone status that became
    clinched or eliminated. Compared with the stored snapshot, a decided zone is announced
    once: later tables that still say so say nothing new."""
    old: dict[tuple[str | None, str], StandingsRow] = {}
    if previous is not None:
        old = {(t.group, row.team): row for t in previous.tables for row in t.rows}
    moves: list[TeamMove] = []
    decided: list[ZoneDecided] = []
    for table in current.tables:
        for row in table.rows:
            was = old.get((table.group, row.team))
            if was is None or (was.position, was.points) != (row.position, row.points):
                moves.append(
                    TeamMove(
                        row.team,
                        row.name,
                        table.group,
                        None if was is None else was.position,
                        row.position,
                        None if was is None else was.points,
                        row.points,
                    )
                )
            for zone, status in row.zones.items():
                if status in _DECIDED_ZONE and (was is None or was.zones.get(zone) != status):
                    decided.append(ZoneDecided(row.team, row.name, table.group, zone, status))
    at, tournament = current.computed_at, current.tournament_id
    events = []
    if moves:
        events.append(
            NewEvent(EventType.STANDINGS_CHANGED, tournament, at, StandingsChanged(tuple(moves)))
        )
    events.extend(NewEvent(EventType.ZONE_DECIDED, tournament, at, item) for item in decided)
    return events


def schedule_failed(
    tournament_id: TournamentId, schedule: str, round_slug: str, attempts: int, at: datetime
) -> NewEvent:
    """A scheduled round update that ran out of attempts."""
    return NewEvent(
        EventType.SCHEDULE_FAILED,
        tournament_id,
        at,
        ScheduleFailed(schedule, round_slug, attempts),
    )


def override_event(match: Match, change: MatchChange) -> NewEvent:
    """`match.overridden` for an override's change record, `match.override_released` for a
    release's."""
    kind = (
        EventType.MATCH_OVERRIDE_RELEASED
        if change.kind is ChangeKind.RELEASE
        else EventType.MATCH_OVERRIDDEN
    )
    before = change.before if change.before is not None else change.after
    payload = MatchOverride(
        match.key,
        match.round_slug,
        match.home,
        match.away,
        before,
        change.after,
        change.reason,
        change.source,
    )
    return NewEvent(kind, match.tournament_id, change.recorded_at, payload)


def dispute_events(disputes: Sequence[Dispute], at: datetime) -> list[NewEvent]:
    """`dispute.opened` for each open dispute, `dispute.closed` for each closed one."""
    return [
        NewEvent(
            EventType.DISPUTE_OPENED if d.is_open else EventType.DISPUTE_CLOSED,
            d.tournament_id,
            at,
            DisputeNoted(d.id, d.match, d.round_slug, d.kind, d.answers, d.closed_by, d.reason),
        )
        for d in disputes
    ]
