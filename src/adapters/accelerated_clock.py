"""A clock that runs faster than real time, from a chosen moment: `make demo`'s matchday in
seconds. It is a real clock (it moves on by itself), only `speed` times faster."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class AcceleratedClock:
    def __init__(self, start: datetime, speed: float) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of an accelerated clock must be timezone-aware")
        if speed <= 0:
            raise ValueError(f"a clock's speed is positive, got {speed}")
        self._start = start
        self._speed = speed
        self._origin = time.monotonic()

    def reset(self, start: datetime) -> None:
        """Start again from `start`, now (e.g. once a slow start-up is over)."""
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._origin) * self._speed)

    def real_seconds(self, span: timedelta) -> float:
        """How long `span` of this clock's time takes in real time."""
        return span.total_seconds() / self._speed
