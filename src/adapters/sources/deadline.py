"""One total deadline for a fetch, however many requests, retries and waits it takes.

`within(seconds)` opens a deadline for the code inside it (in this task and the tasks it
starts), or keeps an earlier one already open around it: an inner deadline never extends an
outer one. The HTTP client reads it to bound every attempt and to refuse a wait that would pass
it (`ProviderClient`); `SharedRoundFetches` opens one around a whole round's fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import frozen


@frozen
class Deadline:
    """`when`, on the event loop's clock; `seconds`, the budget it was opened with."""

    when: float
    seconds: float

    def remaining(self) -> float:
        return max(0.0, self.when - asyncio.get_running_loop().time())

    def __str__(self) -> str:
        return f"the {self.seconds:g} s deadline"


_CURRENT: ContextVar[Deadline | None] = ContextVar("bestshot_fetch_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[Deadline]:
    """A deadline `seconds` from now, or the one already open if that one ends sooner."""
    mine = Deadline(asyncio.get_running_loop().time() + seconds, seconds)
    outer = _CURRENT.get()
    deadline = outer if outer is not None and outer.when <= mine.when else mine
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)
