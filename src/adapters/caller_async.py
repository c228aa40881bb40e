"""The caller's async form, for the local scheduler's worker: the rules of `adapters.caller`
(retries, `Retry-After`, the deadline, the answer's cap) over an httpx `AsyncClient`.

Its own module so that the Lambda, which runs the blocking form, never imports httpx.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from adapters.caller import (
    MAX_ANSWER_BYTES,
    CallerConfig,
    CallResult,
    CallSummary,
    Transient,
    headers,
    judge,
    next_wait,
    unavailable,
)
from adapters.stdlib_http import AnswerTooLarge, Reply

__all__ = ["call_round_and_standings_async"]

_sleep = asyncio.sleep  # tests read the waits here


async def call_round_and_standings_async(
    round_url: str,
    standings_url: str,
    *,
    token: str,
    config: CallerConfig | None = None,
    client: httpx.AsyncClient | None = None,
) -> CallSummary:
    """`adapters.caller.call_round_and_standings`, for an event loop. `client` must not follow
    redirects; without one, a client is made for this call and closed after it."""
    config = config or CallerConfig()
    if client is None:
        async with httpx.AsyncClient(follow_redirects=False) as own:
            return await call_round_and_standings_async(
                round_url, standings_url, token=token, config=config, client=own
            )
    ends_at = config.ends_at(2)
    return CallSummary(
        round=await _send(client, round_url, token, config, ends_at),
        standings=await _send(client, standings_url, token, config, ends_at),
    )


async def _send(
    client: httpx.AsyncClient, url: str, token: str, config: CallerConfig, ends_at: float
) -> CallResult:
    attempts = blind = 0
    started = time.perf_counter()
    while True:
        left = ends_at - time.monotonic()
        if left <= 0:
            raise unavailable(url, token, Transient("the call's deadline passed", None), attempts)
        attempts += 1
        try:
            async with asyncio.timeout(min(left, config.connect_timeout + config.read_timeout)):
                reply = await _patch(client, url, token, config)
        except AnswerTooLarge as error:  # it would be as large again
            raise unavailable(url, token, Transient(str(error), error.status), attempts) from None
        except TimeoutError:
            outcome: CallResult | Transient = Transient(
                "no complete answer before the deadline", None
            )
        except httpx.TransportError as error:
            outcome = Transient(_describe(error), None)
        else:
            outcome = judge(reply, url, token, attempts, started)
        if isinstance(outcome, CallResult):
            return outcome
        blind += outcome.retry_after is None
        wait = next_wait(config, outcome, attempts, ends_at, blind=blind)
        if wait is None:
            raise unavailable(url, token, outcome, attempts)
        await _sleep(wait)


async def _patch(client: httpx.AsyncClient, url: str, token: str, config: CallerConfig) -> Reply:
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    async with client.stream("PATCH", url, headers=headers(token), timeout=timeout) as response:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise AnswerTooLarge(
                    f"the answer is larger than {MAX_ANSWER_BYTES} bytes", response.status_code
                )
        found = {name.lower(): value for name, value in response.headers.items()}
        return Reply(response.status_code, found, bytes(body))


def _describe(error: httpx.TransportError) -> str:
    detail = str(error).strip()
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
