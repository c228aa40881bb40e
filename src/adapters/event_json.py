"""Events as JSON: the one shape the outbox stores, the feed answers and webhooks deliver.

`payload_to_json` and `payload_from_json` are inverses (a property test holds them to it);
`event_to_json` is the envelope a consumer reads: id, type, tournament, timestamp, data.
The OpenAPI document describes the same shapes (`entrypoints.api.schemas.events`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bestshot_domain.events import (
    DisputeNoted,
    Event,
    EventType,
    MatchMoved,
    MatchOverride,
    Payload,
    ScheduleFailed,
    StandingsChanged,
    TeamMove,
    ZoneDecided,
)
from bestshot_domain.model import Ending, MatchState, MatchStatus, Score
from bestshot_domain.standings import ZoneStatus
from bestshot_domain.verification import Answer, ClosedBy, DisputeKind

JSON = dict[str, Any]


def _score(score: Score | None) -> JSON | None:
    return None if score is None else {"home": score.home, "away": score.away}


def _score_back(data: JSON | None) -> Score | None:
    return None if data is None else Score(data["home"], data["away"])


def _state(state: MatchState | None) -> JSON | None:
    if state is None:
        return None
    return {
        "status": str(state.status),
        "kickoff": state.kickoff.isoformat(),
        "score": _score(state.score),
        "ended": None if state.ended is None else str(state.ended),
        "shootout": _score(state.shootout),
    }


def _state_back(data: JSON) -> MatchState:
    return MatchState(
        status=MatchStatus(data["status"]),
        kickoff=datetime.fromisoformat(data["kickoff"]),
        score=_score_back(data["score"]),
        ended=None if data["ended"] is None else Ending(data["ended"]),
        shootout=_score_back(data["shootout"]),
    )


def payload_to_json(payload: Payload) -> JSON:
    match payload:
        case MatchMoved():
            return {
                "match": payload.match,
                "round": payload.round_slug,
                "home": payload.home,
                "away": payload.away,
                "before": _state(payload.before),
                "after": _state(payload.after),
                "reason": payload.reason,
            }
        case StandingsChanged():
            return {
                "moves": [
                    {
                        "team": move.team,
                        "name": move.name,
                        "group": move.group,
                        "old_position": move.old_position,
                        "new_position": move.new_position,
                        "old_points": move.old_points,
                        "new_points": move.new_points,
                    }
                    for move in payload.moves
                ]
            }
        case ZoneDecided():
            return {
                "team": payload.team,
                "name": payload.name,
                "group": payload.group,
                "zone": payload.zone,
                "status": str(payload.status),
            }
        case ScheduleFailed():
            return {
                "schedule": payload.schedule,
                "round": payload.round_slug,
                "attempts": payload.attempts,
            }
        case MatchOverride():
            return {
                "match": payload.match,
                "round": payload.round_slug,
                "home": payload.home,
                "away": payload.away,
                "before": _state(payload.before),
                "after": _state(payload.after),
                "reason": payload.reason,
                "by": payload.by,
            }
        case DisputeNoted():
            return {
                "dispute": payload.dispute,
                "match": payload.match,
                "round": payload.round_slug,
                "kind": str(payload.kind),
                "answers": [
                    {
                        "provider": answer.provider,
                        "status": str(answer.status),
                        "score": _score(answer.score),
                        "shootout": _score(answer.shootout),
                    }
                    for answer in payload.answers
                ],
                "closed_by": None if payload.closed_by is None else str(payload.closed_by),
                "reason": payload.reason,
            }


def payload_from_json(kind: EventType, data: JSON) -> Payload:
    if kind in (EventType.MATCH_UPDATED, EventType.MATCH_FINISHED, EventType.MATCH_CORRECTED):
        before = data["before"]
        return MatchMoved(
            data["match"],
            data["round"],
            data["home"],
            data["away"],
            None if before is None else _state_back(before),
            _state_back(data["after"]),
            data["reason"],
        )
    if kind is EventType.STANDINGS_CHANGED:
        return StandingsChanged(
            tuple(
                TeamMove(
                    m["team"],
                    m["name"],
                    m["group"],
                    m["old_position"],
                    m["new_position"],
                    m["old_points"],
                    m["new_points"],
                )
                for m in data["moves"]
            )
        )
    if kind in (EventType.MATCH_OVERRIDDEN, EventType.MATCH_OVERRIDE_RELEASED):
        return MatchOverride(
            data["match"],
            data["round"],
            data["home"],
            data["away"],
            _state_back(data["before"]),
            _state_back(data["after"]),
            data["reason"],
            data["by"],
        )
    if kind is EventType.ZONE_DECIDED:
        return ZoneDecided(
            data["team"], data["name"], data["group"], data["zone"], ZoneStatus(data["status"])
        )
    if kind in (EventType.DISPUTE_OPENED, EventType.DISPUTE_CLOSED):
        return DisputeNoted(
            data["dispute"],
            data["match"],
            data["round"],
            DisputeKind(data["kind"]),
            tuple(
                Answer(
                    a["provider"],
                    MatchStatus(a["status"]),
                    _score_back(a["score"]),
                    _score_back(a["shootout"]),
                )
                for a in data["answers"]
            ),
            None if data["closed_by"] is None else ClosedBy(data["closed_by"]),
            data["reason"],
        )
    return ScheduleFailed(data["schedule"], data["round"], data["attempts"])


def event_to_json(event: Event) -> JSON:
    """The envelope: what the feed lists and what a webhook's body is."""
    return {
        "id": event.id,
        "type": str(event.type),
        "tournament": event.tournament_id,
        "timestamp": event.occurred_at.isoformat(),
        "data": payload_to_json(event.payload),
    }
