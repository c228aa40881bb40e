"""What a listing of the group (ListSchedules) says of each schedule, and the latest listing a
plan made, kept for its ensures.

ListSchedules gives a schedule's name, state, target ARN and when it was created and last
modified, not what it holds. A schedule stored under the digest of the planned content
(`requests.stored_name`) and never modified since its creation holds what was planned: a
re-run knows it unchanged from the listing alone, with no GetSchedule. One modified since (by
hand, in the console) is read, compared and put back, as one without a digest in its name is.
README, "Operations" (a 1,000-tournament day).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from adapters.eventbridge.requests import plan_name

if TYPE_CHECKING:
    from types_aiobotocore_scheduler.type_defs import ScheduleSummaryTypeDef

# How long a plan's listing serves its ensures: a plan of thousands of schedules, throttled,
# takes minutes; an ensure after that lists the schedule's name (one call) instead.
LISTING_TTL = 600.0


@frozen
class Listed:
    """One schedule as a ListSchedules page shows it."""

    stored: str  # its name in EventBridge
    state: str | None
    target_arn: str | None
    created: datetime | None
    modified: datetime | None

    @classmethod
    def of(cls, summary: ScheduleSummaryTypeDef) -> Listed:
        return cls(
            stored=summary["Name"],
            state=summary.get("State"),
            target_arn=summary.get("Target", {}).get("Arn"),
            created=summary.get("CreationDate"),
            modified=summary.get("LastModificationDate"),
        )

    @property
    def name(self) -> str:
        """The plan's name of the schedule."""
        return plan_name(self.stored)

    def holds(self, request: dict[str, Any]) -> bool:
        """Whether this schedule holds `request` as it would be written: stored under the digest
        of its content and never modified since it was created (EventBridge gives a new
        schedule equal creation and modification times). State and target, which the listing
        shows, must agree too."""
        return (
            self.stored == request["Name"] != self.name  # a digest, and the planned content's
            and self.created is not None
            and self.modified is not None
            and self.modified <= self.created
            and self.state == request.get("State")
            and self.target_arn == request["Target"]["Arn"]
        )


@define
class Listings:
    """The latest listing of the group, by plan name: what `survey` saw, for the plan's
    `ensure`s (those given a survey's hint)."""

    ttl: float = LISTING_TTL
    _by_name: dict[str, tuple[Listed, ...]] = field(factory=dict)
    _at: float | None = None

    def keep(self, listed: Sequence[Listed]) -> None:
        by_name: defaultdict[str, list[Listed]] = defaultdict(list)
        for schedule in listed:
            by_name[schedule.name].append(schedule)
        self._by_name = {name: tuple(schedules) for name, schedules in by_name.items()}
        self._at = time.monotonic()

    def get(self, name: str) -> tuple[Listed, ...] | None:
        """The schedules stored for plan name `name` in a recent listing (none: it showed none);
        None when there is no recent listing (then ask EventBridge)."""
        if self._at is None or time.monotonic() - self._at > self.ttl:
            return None
        return self._by_name.get(name, ())
