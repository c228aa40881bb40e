"""When `ProviderClient` tries again, and how long it waits first (tenacity).

Exponential backoff with jitter, replaced by the server's `Retry-After` when it gave one, for at
most `HttpPolicy.attempts` attempts, and never a wait the fetch's deadline cannot hold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from adapters.sources.deadline import Deadline
from adapters.sources.policy import HttpPolicy


class Retryable(Exception):
    """A failure worth another attempt; `retry_after` is the server's wish, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _RetryAfterOrBackoff(wait_base):
    """Wait what `Retry-After` asked for when the server said so, else the backoff."""

    def __init__(self, backoff: wait_base) -> None:
        self._backoff = backoff

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, Retryable) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(retry_state))


class _PastDeadline(stop_base):
    """Stop rather than begin a wait that would pass the deadline: nothing could follow it."""

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.upcoming_sleep >= self._deadline.remaining()


def retrying_within(
    policy: HttpPolicy,
    deadline: Deadline,
    *,
    sleep: Callable[[float], Awaitable[None]],
    before_sleep: Callable[[RetryCallState], None],
) -> AsyncRetrying:
    """Retries of `Retryable` failures under `policy`, inside `deadline`; the last failure is
    raised again when they stop."""
    return AsyncRetrying(
        stop=stop_after_attempt(policy.attempts) | _PastDeadline(deadline),
        wait=_RetryAfterOrBackoff(
            wait_exponential(multiplier=policy.backoff_initial, max=policy.backoff_max)
            + wait_random(0, policy.backoff_jitter)
        ),
        retry=retry_if_exception_type(Retryable),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
