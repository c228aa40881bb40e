"""The HTTP foundation's limits against a real HTTP server on loopback: a cap on the decoded size
of an answer, and one deadline for a fetch, all its attempts and waits included."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Iterator

import pytest

from adapters.sources.deadline import within
from adapters.sources.http import ProviderClient
from adapters.sources.policy import HttpPolicy, RateLimit
from bestshot_domain.errors import SourceTimeout, SourceTooLarge, SourceUnavailable
from tests.integration.sources.sources_loopback import LoopbackServer, MiB, Reply, gzipped, zeros

pytestmark = pytest.mark.integration

CAPPED = HttpPolicy(
    attempts=2,
    backoff_initial=0.01,
    backoff_jitter=0.0,
    rate_limit=RateLimit(1000, 1.0),
    max_body_bytes=MiB,
)


def client(server: LoopbackServer, policy: HttpPolicy = CAPPED) -> ProviderClient:
    return ProviderClient("testprov", server.url, policy)


def bomb(*codings: str, size: int = 64 * MiB) -> Reply:
    """`size` zero bytes under the given codings (applied in order), streamed."""

    def body() -> object:
        pieces = zeros(size)
        for _ in codings:
            pieces = gzipped(pieces)
        return pieces

    return Reply(200, headers={"Content-Encoding": ", ".join(codings)}, stream=body)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(200, stream=lambda: zeros(None)), id="endless"),
        pytest.param(Reply(200, bytes(MiB + 1)), id="declared-length"),
        pytest.param(bomb("gzip"), id="gzip-bomb"),
        pytest.param(bomb("gzip", "gzip"), id="double-gzip-bomb"),
    ],
)
async def test_an_answer_past_the_cap_is_refused_naming_it(
    server: LoopbackServer, reply: Reply
) -> None:
    server.script("/big", reply)
    async with client(server) as http:
        with pytest.raises(SourceTooLarge, match=r"larger than the 1 MiB cap") as raised:
            await http.get_bytes("/big")
    assert "/big" in str(raised.value)
    assert server.hits("/big") == 1  # it would be as large again: not retried


async def test_an_answer_at_the_cap_is_whole(server: LoopbackServer) -> None:
    exact = bytes(range(256)) * (MiB // 256)
    server.script("/exact", Reply(200, exact))
    server.script("/packed", Reply(200, gzip.compress(exact), {"Content-Encoding": "gzip"}))
    async with client(server) as http:
        assert await http.get_bytes("/exact") == exact
        assert await http.get_bytes("/packed") == exact


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
async def test_both_kinds_of_deflate_are_decoded(server: LoopbackServer, wbits: int) -> None:
    text = b'{"events": []}' * 1000
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    server.script(
        "/d", Reply(200, packer.compress(text) + packer.flush(), {"Content-Encoding": "deflate"})
    )
    async with client(server) as http:
        assert await http.get_bytes("/d") == text
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


async def test_an_encoding_not_asked_for_or_corrupt_is_refused(server: LoopbackServer) -> None:
    server.script("/br", Reply(200, b"\x1b\x00", {"Content-Encoding": "br"}))
    server.script("/bad", Reply(200, b"not gzip at all", {"Content-Encoding": "gzip"}))
    async with client(server) as http:
        with pytest.raises(SourceUnavailable, match="content encoding br was not asked for"):
            await http.get_bytes("/br")
        with pytest.raises(SourceUnavailable, match="corrupt gzip data for /bad"):
            await http.get_bytes("/bad")


async def test_a_failure_with_a_huge_body_is_still_retried(server: LoopbackServer) -> None:
    # Only the head of a failure is read (to recognise a challenge page), never the rest.
    server.script("/down", Reply(503, stream=lambda: zeros(None)), Reply.json("{}"))
    async with client(server) as http:
        assert await http.get_bytes("/down") == b"{}"
    assert server.hits("/down") == 2


# The deadline. Each test bounds the whole call with a generous guard, so that a fetch which
# ignores the deadline fails the test rather than hanging it; no duration is asserted.

GUARD = 30.0
HURRIED = HttpPolicy(
    read_timeout=20.0,  # far longer than the deadline: only the deadline can end these
    attempts=4,
    backoff_initial=0.01,
    backoff_jitter=0.0,
    rate_limit=RateLimit(1000, 1.0),
    deadline=1.0,
)


class Waits:
    """Records the waits the client asks for instead of sleeping them."""

    def __init__(self) -> None:
        self.requested: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)


def trickle() -> Iterator[bytes]:
    """A byte now and then, forever: each read succeeds, the answer never ends."""
    while True:
        yield b" "
        time.sleep(0.2)


async def fetch(http: ProviderClient, path: str) -> bytes:
    return await asyncio.wait_for(http.get_bytes(path), GUARD)


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(200, b"{}", delay=60.0), id="hanging"),
        pytest.param(Reply(200, stream=trickle), id="trickling"),
    ],
)
async def test_a_slow_provider_is_given_up_at_the_deadline(
    server: LoopbackServer, reply: Reply
) -> None:
    server.script("/slow", reply)
    async with client(server, HURRIED) as http:
        with pytest.raises(SourceTimeout, match=r"no answer for /slow within the 1 s deadline"):
            await fetch(http, "/slow")
    assert server.hits("/slow") == 1


async def test_a_retry_after_past_the_deadline_gives_up_without_waiting(
    server: LoopbackServer,
) -> None:
    server.script("/busy", Reply(503, headers={"Retry-After": "100"}))
    waits = Waits()
    async with ProviderClient("testprov", server.url, HURRIED, sleep=waits) as http:
        with pytest.raises(SourceUnavailable, match="asks to retry after 100 s, past the 1 s"):
            await fetch(http, "/busy")
    assert waits.requested == []
    assert server.hits("/busy") == 1


async def test_a_backoff_past_the_deadline_is_not_begun(server: LoopbackServer) -> None:
    server.script("/down", Reply(503))
    waits = Waits()
    patient = HttpPolicy(attempts=4, backoff_initial=5.0, backoff_jitter=0.0, deadline=1.0)
    async with ProviderClient("testprov", server.url, patient, sleep=waits) as http:
        with pytest.raises(SourceUnavailable, match="gave up after 1 attempts: the next would"):
            await fetch(http, "/down")
    assert waits.requested == []
    assert server.hits("/down") == 1


async def test_retries_within_the_deadline_stay_within_the_attempts(
    server: LoopbackServer,
) -> None:
    server.script("/down", Reply(503, headers={"Retry-After": "0"}))
    async with client(server, HURRIED) as http:
        with pytest.raises(SourceUnavailable, match="gave up after 4 attempts"):
            await fetch(http, "/down")
    assert server.hits("/down") == HURRIED.attempts


async def test_a_deadline_open_around_the_call_is_kept_when_sooner(
    server: LoopbackServer,
) -> None:
    server.script("/slow", Reply(200, b"{}", delay=60.0))
    lenient = HttpPolicy(read_timeout=20.0, deadline=600.0, rate_limit=RateLimit(1000, 1.0))
    async with client(server, lenient) as http:
        with within(0.5), pytest.raises(SourceTimeout, match=r"within the 0\.5 s deadline"):
            await fetch(http, "/slow")
    assert server.hits("/slow") == 1
