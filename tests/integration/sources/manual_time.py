"""aiolimiter's real leaky bucket on a clock that tests move by hand.

`AsyncLimiter` reads the time and arms the timer that wakes its next waiter through its event
loop (`limiter._loop.time()`, `limiter._loop.call_at(...)`). `ManualTimeLimiter` hands it a
`ManualClock` there instead: the time stands still until a test calls `advance`, and a waiter
is released exactly when the clock passes its wake-up time. So a rate-limit test says "thirty
seconds later" instead of sleeping, and never depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from aiolimiter import AsyncLimiter


class _Timer:
    def __init__(self, when: float, callback: Callable[..., object], args: tuple[Any, ...]) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """The part of an event loop AsyncLimiter uses, with a time that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[_Timer] = []

    def time(self) -> float:
        return self.now

    def is_closed(self) -> bool:
        return False

    def create_future(self) -> asyncio.Future[None]:
        return asyncio.get_running_loop().create_future()

    def call_soon(self, callback: Callable[..., object], *args: Any) -> asyncio.Handle:
        return asyncio.get_running_loop().call_soon(callback, *args)

    def call_at(self, when: float, callback: Callable[..., object], *args: Any) -> _Timer:
        timer = _Timer(when, callback, args)
        self._timers.append(timer)
        return timer

    def next_wake(self) -> float | None:
        """When the limiter next releases a waiter (None: nobody is waiting)."""
        pending = [timer.when for timer in self._timers if not timer.cancelled]
        return min(pending, default=None)

    def advance(self, seconds: float) -> None:
        """Move the time on; timers now due run on the real loop, in time order."""
        self.now += seconds
        due = sorted(
            (t for t in self._timers if not t.cancelled and t.when <= self.now),
            key=lambda t: t.when,
        )
        self._timers = [t for t in self._timers if t not in due and not t.cancelled]
        for timer in due:
            asyncio.get_running_loop().call_soon(timer.callback, *timer.args)


class ManualTimeLimiter(AsyncLimiter):
    def __init__(self, max_rate: float, time_period: float) -> None:
        super().__init__(max_rate, time_period)
        self.clock = ManualClock()

    @property
    def _loop(self) -> Any:  # AsyncLimiter's own hook for its loop
        return self.clock


async def settle(rounds: int = 50) -> None:
    """Let every task run until it waits on something (no I/O is needed to get there)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


async def until_done(calls: Sequence[asyncio.Future[Any]], count: int) -> None:
    """Wait until `count` of `calls` are done. The timeout only keeps a broken test from hanging;
    nothing is timed."""
    pending = {call for call in calls if not call.done()}
    async with asyncio.timeout(30):
        while len(calls) - len(pending) < count:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
