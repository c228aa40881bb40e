"""The event feed and the webhook bodies: one envelope per event, the same in both.

Built from the domain's events (`bestshot_domain.events`); the OpenAPI document lists each
type under `webhooks` with its own envelope (`WEBHOOK_BODIES`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, Field, create_model

from bestshot_domain.events import (
    DisputeNoted,
    Event,
    EventType,
    MatchMoved,
    MatchOverride,
    ScheduleFailed,
    StandingsChanged,
    ZoneDecided,
)
from entrypoints.api.schemas.common import ID_MAX, SLUG_MAX_LENGTH, SLUG_PATTERN, ApiModel
from entrypoints.api.schemas.matches import MatchStateOut
from entrypoints.api.schemas.verification import AnswerOut

FEED_MAX = 500


class EventsQuery(ApiModel):
    after: int = Field(
        0, ge=0, le=ID_MAX, description="The last event id already read (0: from the start)."
    )
    tournament: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=SLUG_MAX_LENGTH,
        description="Only this tournament's events.",
    )
    limit: int = Field(100, ge=1, le=FEED_MAX, description=f"At most this many (1-{FEED_MAX}).")


class MatchEventData(ApiModel):
    match: str = Field(description="The match's key, e.g. `espn:704512`.")
    round: str = Field(validation_alias=AliasChoices("round", "round_slug"))
    home: str
    away: str
    before: MatchStateOut | None
    after: MatchStateOut
    reason: str = Field(description="What changed, in words: `live 1-0 -> finished 2-0`.")


class OverrideEventData(ApiModel):
    match: str = Field(description="The match's key, e.g. `espn:704512`.")
    round: str = Field(validation_alias=AliasChoices("round", "round_slug"))
    home: str
    away: str
    before: MatchStateOut
    after: MatchStateOut = Field(description="The same as `before` for a release.")
    reason: str = Field(description="The admin's reason.")
    by: str = Field(description="The admin's subject (the JWT's `sub`).")


class TeamMoveOut(ApiModel):
    team: str
    name: str
    group: str | None
    old_position: int | None = Field(description="Null for a team new to the table.")
    new_position: int
    old_points: int | None
    new_points: int


class StandingsChangedData(ApiModel):
    moves: list[TeamMoveOut] = Field(
        description="Each team whose position or points changed, by group, then new position."
    )


class ZoneDecidedData(ApiModel):
    team: str
    name: str
    group: str | None
    zone: str = Field(description="A zone of the tournament, e.g. `champions_league`.")
    status: Literal["clinched", "eliminated"]


class ScheduleFailedData(ApiModel):
    schedule: str
    round: str = Field(validation_alias=AliasChoices("round", "round_slug"))
    attempts: int


class DisputeEventData(ApiModel):
    dispute: str = Field(description="The dispute's id (GET .../tournaments/{t}/disputes).")
    match: str
    round: str = Field(validation_alias=AliasChoices("round", "round_slug"))
    kind: Literal["disagreement", "changed_final"]
    answers: list[AnswerOut] = Field(description="What each side said when it opened.")
    closed_by: Literal["converged", "admin"] | None = Field(description="Null when opened.")
    reason: str | None = Field(description="Why it was closed; null when opened.")


EventData = (
    MatchEventData
    | StandingsChangedData
    | ZoneDecidedData
    | ScheduleFailedData
    | OverrideEventData
    | DisputeEventData
)

_DATA: dict[EventType, type[ApiModel]] = {
    EventType.MATCH_UPDATED: MatchEventData,
    EventType.MATCH_FINISHED: MatchEventData,
    EventType.MATCH_CORRECTED: MatchEventData,
    EventType.STANDINGS_CHANGED: StandingsChangedData,
    EventType.ZONE_DECIDED: ZoneDecidedData,
    EventType.SCHEDULE_FAILED: ScheduleFailedData,
    EventType.MATCH_OVERRIDDEN: OverrideEventData,
    EventType.MATCH_OVERRIDE_RELEASED: OverrideEventData,
    EventType.DISPUTE_OPENED: DisputeEventData,
    EventType.DISPUTE_CLOSED: DisputeEventData,
}
SUMMARIES = {
    EventType.MATCH_UPDATED: "A match's status or score changed",
    EventType.MATCH_FINISHED: "A match has its result (sent after its match.updated)",
    EventType.MATCH_CORRECTED: "A finished match's result was corrected",
    EventType.STANDINGS_CHANGED: "Teams moved in a table, or their points changed",
    EventType.ZONE_DECIDED: "A team clinched a zone, or can no longer reach it (sent once)",
    EventType.SCHEDULE_FAILED: "A scheduled round update ran out of attempts",
    EventType.MATCH_OVERRIDDEN: "An admin set a match's state by hand (after its match.updated "
    "or match.corrected, when the state changed)",
    EventType.MATCH_OVERRIDE_RELEASED: "An admin released an override: the provider's next "
    "answer applies again",
    EventType.DISPUTE_OPENED: "The providers disagree on a final, which is not written",
    EventType.DISPUTE_CLOSED: "A dispute closed: the providers converged, or an admin closed it",
}


class EventOut(ApiModel):
    id: int = Field(description="Grows with every event: resume the feed after the last seen.")
    type: EventType
    tournament: str = Field(validation_alias=AliasChoices("tournament", "tournament_id"))
    timestamp: datetime = Field(validation_alias=AliasChoices("timestamp", "occurred_at"))
    data: EventData


class EventFeed(ApiModel):
    events: list[EventOut]
    next_after: int = Field(description="Pass as `after` to read on (the last id, or `after`).")


def _envelope(kind: EventType) -> type[ApiModel]:
    name = "".join(part.title() for part in kind.value.replace(".", "_").split("_")) + "Event"
    fields: dict[str, Any] = {
        "id": (int, ...),
        "type": (Literal[kind.value], ...),
        "tournament": (str, ...),
        "timestamp": (datetime, ...),
        "data": (_DATA[kind], ...),
    }
    return create_model(name, __base__=ApiModel, **fields)


WEBHOOK_BODIES: dict[EventType, type[ApiModel]] = {kind: _envelope(kind) for kind in EventType}
"""Each event type's body, for the OpenAPI document's `webhooks`."""


def _data(payload: object) -> EventData:
    match payload:
        case MatchMoved():
            return MatchEventData.model_validate(payload)
        case StandingsChanged():
            return StandingsChangedData.model_validate(payload)
        case ZoneDecided():
            return ZoneDecidedData.model_validate(payload)
        case ScheduleFailed():
            return ScheduleFailedData.model_validate(payload)
        case MatchOverride():
            return OverrideEventData.model_validate(payload)
        case DisputeNoted():
            return DisputeEventData.model_validate(payload)
    raise TypeError(f"not an event payload: {payload!r}")


def event_out(event: Event) -> EventOut:
    return EventOut(
        id=event.id,
        type=event.type,
        tournament=event.tournament_id,
        timestamp=event.occurred_at,
        data=_data(event.payload),
    )


def event_body(event: Event) -> bytes:
    """A webhook's body: the feed's envelope, as compact JSON."""
    return event_out(event).model_dump_json().encode()
