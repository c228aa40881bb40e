"""The event feed: what changed, in order, for a consumer catching up (docs: README, Events).

Read from the outbox in a unit of work that is never committed, like the other public reads.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.api import inputs
from entrypoints.api.operations import Operation, Reply, replies
from entrypoints.api.schemas.events import EventFeed, EventsQuery, event_out


def operations(uow_factory: UnitOfWorkFactory, prefix: str) -> list[Operation]:
    async def list_events(request: Request) -> Response:
        query = inputs.query(request, EventsQuery)
        async with uow_factory() as uow:
            found = await uow.outbox.after(
                query.after, tournament_id=query.tournament, limit=query.limit
            )
        events = [event_out(event) for event in found]
        feed = EventFeed(events=events, next_after=events[-1].id if events else query.after)
        # Never cached: the feed's point is what happened since the last poll.
        return Response(
            feed.model_dump_json(),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    return [
        Operation(
            "GET",
            prefix + "/events",
            list_events,
            operation_id="listEvents",
            summary="The event feed, oldest first",
            description="Every event after `after`, in the order they happened; the same "
            "bodies as the webhooks. Poll with the last id seen to catch up after downtime.",
            tag="events",
            query=EventsQuery,
            replies=replies(
                (200, Reply("The events, by id.", EventFeed)),
                (422, "A query parameter is invalid."),
                (503, "The database is unavailable."),
            ),
        )
    ]
