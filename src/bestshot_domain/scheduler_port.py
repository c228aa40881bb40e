"""The scheduler port: the schedules the domain plans and what it needs of a scheduler.

Split out of `bestshot_domain.ports`, which re-exports every name here; implemented by
`adapters.eventbridge`, `adapters.local_scheduler` and `adapters.memory`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from attrs import frozen

from bestshot_domain.values import TournamentId


@frozen
class PlannedSchedule:
    """A schedule as the domain plans it: when it fires and which round it updates. The
    adapters turn it into what their scheduler needs (an expression, the URLs to call)."""

    name: str  # ^[0-9a-z_.-]{1,64}$
    fire_at: datetime  # UTC, on a whole minute
    tournament_id: TournamentId
    round_slug: str
    target_env: str  # "demo" or "production": which API and token the caller uses


class EnsureOutcome(enum.StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"  # already there, identical
    UPDATED = "updated"  # already there with another time or target; now matches the plan


@frozen
class Survey:
    """What planning reads of a scheduler once, before it changes anything."""

    # Names of pending schedules the scheduler holds: a hint for `ensure` (create or compare
    # first), never a promise; a scheduler may leave out what it cannot list cheaply.
    names: frozenset[str]
    # The pending schedules firing in the window asked for, but those skipped, in firing order.
    pending: tuple[PlannedSchedule, ...]


class Scheduler(Protocol):
    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        """Make sure a schedule with this name exists exactly as planned; `exists` is what a
        survey said (None: unknown), a hint that spares a call, never trusted for the answer."""
        ...

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        """The pending schedules firing in [start, end) whose names `skip` does not take."""
        ...

    async def list(self) -> Sequence[PlannedSchedule]:
        """The pending schedules, ordered by firing time then name."""
        ...

    async def delete(self, name: str) -> None:
        """Remove a schedule; NotFound when there is none by that name."""
        ...
