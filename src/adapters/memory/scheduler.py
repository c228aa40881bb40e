"""Schedules kept in a dict; `take_due` fires them by hand (tests and the fast demo)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bestshot_domain.errors import NotFound
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule, Survey


class MemoryScheduler:
    def __init__(self) -> None:
        self._schedules: dict[str, PlannedSchedule] = {}

    async def ensure(
        self, schedule: PlannedSchedule, *, exists: bool | None = None
    ) -> EnsureOutcome:
        existing = self._schedules.get(schedule.name)
        self._schedules[schedule.name] = schedule
        if existing is None:
            return EnsureOutcome.CREATED
        return EnsureOutcome.UNCHANGED if existing == schedule else EnsureOutcome.UPDATED

    async def list(self) -> Sequence[PlannedSchedule]:
        return sorted(self._schedules.values(), key=lambda s: (s.fire_at, s.name))

    async def survey(
        self, start: datetime, end: datetime, *, skip: Callable[[str], bool]
    ) -> Survey:
        pending = [s for s in await self.list() if start <= s.fire_at < end and not skip(s.name)]
        return Survey(names=frozenset(self._schedules), pending=tuple(pending))

    async def delete(self, name: str) -> None:
        if self._schedules.pop(name, None) is None:
            raise NotFound(f"no schedule named {name!r}")

    def take_due(self, now: datetime) -> tuple[PlannedSchedule, ...]:
        """Remove and return the schedules whose time has come, as firing deletes them."""
        due = [s for s in self._schedules.values() if s.fire_at <= now]
        for schedule in due:
            del self._schedules[schedule.name]
        return tuple(sorted(due, key=lambda s: (s.fire_at, s.name)))
