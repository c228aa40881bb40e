"""The HTTP foundation against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from adapters.memory import SettableClock
from adapters.sources.http import MAX_REDIRECTS, ProviderClient, parse_retry_after
from adapters.sources.origin import Origin, parse_origin
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import ClosableSource, build_source
from bestshot_domain.errors import SourceBlocked, SourceUnavailable
from tests.integration.sources.manual_time import ManualTimeLimiter, settle, until_done
from tests.integration.sources.sources_loopback import LoopbackServer, Reply, serving
from tests.source_configs import one

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
FAST = HttpPolicy(
    connect_timeout=1.0,
    read_timeout=2.0,
    attempts=3,
    backoff_initial=0.5,
    backoff_max=8.0,
    backoff_jitter=0.25,
    max_retry_after=120.0,
    rate_limit=RateLimit(1000, 1.0),
    deadline=600.0,  # the waits are recorded, not waited: the deadline is test_http_limits'
)


class Waits:
    """Records the waits the client asks for instead of sleeping them."""

    def __init__(self) -> None:
        self.requested: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)


def client(
    server: LoopbackServer, waits: Waits, policy: HttpPolicy = FAST, **kwargs: object
) -> ProviderClient:
    return ProviderClient(
        "testprov",
        server.url,
        policy,
        sleep=waits,
        now=lambda: NOW,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_retries_server_errors_then_succeeds(server: LoopbackServer) -> None:
    server.script("/x", Reply(503), Reply(502), Reply.json('{"ok": true}'))
    waits = Waits()
    async with client(server, waits) as http:
        body = await http.get_bytes("/x")
    assert body == b'{"ok": true}'
    assert server.hits("/x") == 3
    # Exponential backoff with jitter: 0.5 then 1.0, each plus at most 0.25 of jitter.
    assert len(waits.requested) == 2
    assert 0.5 <= waits.requested[0] <= 0.75
    assert 1.0 <= waits.requested[1] <= 1.25


async def test_network_error_is_retried(server: LoopbackServer) -> None:
    server.script("/x", Reply(drop=True), Reply.json("{}"))
    waits = Waits()
    async with client(server, waits) as http:
        assert await http.get_bytes("/x") == b"{}"
    assert server.hits("/x") == 2
    assert len(waits.requested) == 1


async def test_retry_after_seconds_is_honoured(server: LoopbackServer) -> None:
    server.script("/x", Reply(429, headers={"Retry-After": "7"}), Reply.json("{}"))
    waits = Waits()
    async with client(server, waits) as http:
        await http.get_bytes("/x")
    assert waits.requested == [7.0]


async def test_retry_after_http_date_is_honoured(server: LoopbackServer) -> None:
    when = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    server.script("/x", Reply(503, headers={"Retry-After": when}), Reply.json("{}"))
    waits = Waits()
    async with client(server, waits) as http:
        await http.get_bytes("/x")
    assert waits.requested == [30.0]


async def test_retry_after_beyond_the_limit_gives_up_at_once(server: LoopbackServer) -> None:
    server.script("/x", Reply(429, headers={"Retry-After": "3600"}))
    waits = Waits()
    async with client(server, waits) as http:
        with pytest.raises(SourceUnavailable, match="retry after 3600 s"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 1
    assert waits.requested == []


async def test_gives_up_after_the_attempts(server: LoopbackServer) -> None:
    server.script("/x", Reply(500))
    waits = Waits()
    async with client(server, waits) as http:
        with pytest.raises(SourceUnavailable, match=r"HTTP 500 .*gave up after 3 attempts"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 3
    assert len(waits.requested) == 2


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json('{"error": {"code": 403, "reason": "challenge"}}', status=403),
        Reply(503, b"<html><title>Just a moment...</title></html>", {"Content-Type": "text/html"}),
        Reply(429, b"<html>cf-chl captcha</html>", {"Retry-After": "1"}),
        Reply(200, b"<html></html>", {"cf-mitigated": "challenge"}),
    ],
    ids=["sofascore-403", "cloudflare-503", "captcha-429", "cf-mitigated-header"],
)
async def test_challenge_page_is_blocked_and_not_retried(
    server: LoopbackServer, reply: Reply
) -> None:
    server.script("/x", reply)
    waits = Waits()
    async with client(server, waits) as http:
        with pytest.raises(SourceBlocked, match="challenge page"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 1
    assert waits.requested == []


@pytest.mark.parametrize(("status", "error"), [(401, SourceBlocked), (403, SourceBlocked)])
async def test_refusals_are_blocked(
    server: LoopbackServer, status: int, error: type[Exception]
) -> None:
    server.script("/x", Reply.json('{"message": "nope"}', status=status))
    async with client(server, Waits()) as http:
        with pytest.raises(error, match=f"HTTP {status}"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 1


@pytest.mark.parametrize("status", [400, 404, 410, 422])
async def test_other_client_errors_are_not_retried(server: LoopbackServer, status: int) -> None:
    server.script("/x", Reply.json("{}", status=status))
    waits = Waits()
    async with client(server, waits) as http:
        with pytest.raises(SourceUnavailable, match=f"HTTP {status}"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 1
    assert waits.requested == []


async def test_timeouts_become_unavailable(server: LoopbackServer) -> None:
    server.script("/slow", Reply(delay=1.0, body=b"{}"))
    policy = HttpPolicy(
        connect_timeout=1.0, read_timeout=0.1, attempts=2, rate_limit=RateLimit(100, 1.0)
    )
    waits = Waits()
    async with client(server, waits, policy) as http:
        with pytest.raises(SourceUnavailable, match=r"timed out .*gave up after 2 attempts"):
            await http.get_bytes("/slow")
    assert server.hits("/slow") == 2


async def test_connection_refused_becomes_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits = Waits()
    http = ProviderClient("testprov", f"http://127.0.0.1:{port}", FAST, sleep=waits)
    async with http:
        with pytest.raises(SourceUnavailable, match="network error"):
            await http.get_bytes("/x")
    assert len(waits.requested) == FAST.attempts - 1


async def test_rate_limit_holds_requests_beyond_the_window(server: LoopbackServer) -> None:
    server.script("/x", Reply.json("{}"))
    limiter = ManualTimeLimiter(2, 60)  # two requests a minute: one more every 30 s after
    async with client(server, Waits(), limiter=limiter) as http:
        calls = [asyncio.ensure_future(http.get_bytes("/x")) for _ in range(5)]
        await until_done(calls, 2)
        await settle()
        assert (sum(call.done() for call in calls), server.hits("/x")) == (2, 2)
        assert limiter.clock.next_wake() == pytest.approx(30)
        limiter.clock.advance(29.9)
        await settle()
        assert server.hits("/x") == 2  # still within the window
        for released, at in ((3, 30), (4, 60), (5, 90)):
            limiter.clock.advance(at - limiter.clock.now)
            await until_done(calls, released)
            await settle()
            assert (sum(call.done() for call in calls), server.hits("/x")) == (released, released)
        assert [call.result() for call in calls] == [b"{}"] * 5
        assert limiter.clock.next_wake() is None


class SignalledWaits(Waits):
    """Waits that also say when the client asked for one."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        await super().__call__(seconds)
        self.asked.set()


async def test_retries_count_against_the_rate_limit(server: LoopbackServer) -> None:
    server.script("/x", Reply(503), Reply.json("{}"))
    limiter = ManualTimeLimiter(1, 60)
    waits = SignalledWaits()
    async with client(server, waits, limiter=limiter) as http:
        call = asyncio.ensure_future(http.get_bytes("/x"))
        async with asyncio.timeout(30):  # only keeps a broken test from hanging
            await waits.asked.wait()
        await settle()
        # The backoff was asked for (and not slept); the retry is held by the limiter.
        assert len(waits.requested) == 1
        assert not call.done()
        assert server.hits("/x") == 1
        assert limiter.clock.next_wake() == pytest.approx(60)
        limiter.clock.advance(60)
        await until_done([call], 1)
    assert call.result() == b"{}"
    assert server.hits("/x") == 2


async def test_sends_a_descriptive_user_agent_and_provider_headers(
    server: LoopbackServer,
) -> None:
    server.script("/x", Reply.json("{}"))
    http = client(server, Waits(), headers={"X-Auth-Token": "s3cret-token"})
    async with http:
        await http.get_bytes("/x", {"season": "2024"})
    seen = server.requests[0]
    assert seen.headers["User-Agent"].startswith("bestshot/")
    assert "scores and standings" in seen.headers["User-Agent"]
    assert seen.headers["X-Auth-Token"] == "s3cret-token"
    assert seen.headers["Accept"] == "application/json"
    assert seen.query == {"season": ["2024"]}


async def test_errors_name_the_path_but_no_secret_or_query(server: LoopbackServer) -> None:
    server.script("/v4/competitions/PL/matches", Reply.json("{}", status=404))
    http = client(server, Waits(), headers={"X-Auth-Token": "s3cret-token"})
    async with http:
        with pytest.raises(SourceUnavailable) as raised:
            await http.get_bytes("/v4/competitions/PL/matches", {"season": "2024"})
    message = str(raised.value)
    assert message.startswith("testprov: ")
    assert "/v4/competitions/PL/matches" in message
    assert "s3cret" not in message
    assert "season" not in message


def test_retry_after_parsing() -> None:
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after(" 12 ", NOW) == 12.0
    assert parse_retry_after("soon", NOW) is None
    past = format_datetime(NOW - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(past, NOW) == 0.0


# Redirects: the football-data.org token must never follow one to another host (httpx strips
# only `Authorization` across origins, and the token travels in `X-Auth-Token`).

TOKEN = "fd-token-0123456789abcdef"  # a loopback server's header


def _redirect(to: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": to})


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    with serving() as running:
        yield running


def _football_data(server: LoopbackServer) -> ClosableSource:
    config = one("football_data", {"token": TOKEN}, url=server.url, policy=FAST)
    return build_source("football_data", config, clock=SettableClock(NOW))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_the_token_never_follows_a_redirect_to_another_host(
    server: LoopbackServer, elsewhere: LoopbackServer, status: int
) -> None:
    path = "/v4/competitions/PL/matches"
    # Another name for the same loopback address, and another port: another origin twice over.
    other = elsewhere.url.replace("127.0.0.1", "localhost")
    server.script(path, _redirect(f"{other}/steal", status))
    elsewhere.script("/steal", Reply.json('{"matches": []}'))
    source = _football_data(server)

    try:
        with pytest.raises(SourceUnavailable, match="not followed") as raised:
            await source.fixtures("PL/2024")
    finally:
        await source.aclose()

    assert elsewhere.requests == []
    assert server.requests[0].headers["X-Auth-Token"] == TOKEN
    assert TOKEN not in str(raised.value)


async def test_a_redirect_on_the_same_origin_is_followed_with_the_token(
    server: LoopbackServer,
) -> None:
    server.script("/old", _redirect("/new", 301))
    server.script("/new", Reply.json('{"ok": true}'))
    http = client(server, Waits(), credentials={"X-Auth-Token": TOKEN})

    async with http:
        assert await http.get_bytes("/old") == b'{"ok": true}'

    assert [seen.path for seen in server.requests] == ["/old", "/new"]
    assert {seen.headers["X-Auth-Token"] for seen in server.requests} == {TOKEN}


async def test_a_redirect_loop_gives_up(server: LoopbackServer) -> None:
    server.script("/a", _redirect("/b"))
    server.script("/b", _redirect("/a"))

    async with client(server, Waits()) as http:
        with pytest.raises(SourceUnavailable, match="redirects"):
            await http.get_bytes("/a")
    assert server.hits("/a") + server.hits("/b") == MAX_REDIRECTS + 1


async def test_a_redirect_to_a_url_that_cannot_be_read_is_not_followed(
    server: LoopbackServer,
) -> None:
    server.script("/x", _redirect("http://127.0.0.1:99999/y"))  # no such port

    async with client(server, Waits()) as http:
        with pytest.raises(SourceUnavailable, match=r"leads to <invalid URL>.*not followed"):
            await http.get_bytes("/x")
    assert server.hits("/x") == 1


async def test_credentials_go_only_to_the_base_origin_even_where_others_are_allowed(
    server: LoopbackServer, elsewhere: LoopbackServer
) -> None:
    server.script("/x", _redirect(f"{elsewhere.url}/y"))
    elsewhere.script("/y", Reply.json("{}"))
    http = client(
        server,
        Waits(),
        credentials={"X-Auth-Token": TOKEN},
        allowed=lambda url: Origin.of(url).host == "127.0.0.1",
    )

    async with http:
        assert await http.get_bytes("/x") == b"{}"

    assert server.requests[0].headers["X-Auth-Token"] == TOKEN
    assert "X-Auth-Token" not in elsewhere.requests[0].headers


async def test_an_openfootball_redirect_off_the_allowed_hosts_is_not_followed(
    server: LoopbackServer, elsewhere: LoopbackServer
) -> None:
    # An allowed host that redirects (GitHub does, for raw links) may not lead elsewhere.
    server.script("/en.1.json", _redirect(f"{elsewhere.url}/internal"))
    hosts = (parse_origin(server.url),)
    config = one("openfootball", {"hosts": hosts}, url=server.url, policy=FAST)
    source = build_source("openfootball", config, clock=SettableClock(NOW))

    try:
        with pytest.raises(SourceUnavailable, match="not followed"):
            await source.fixtures(f"{server.url}/en.1.json")
    finally:
        await source.aclose()
    assert elsewhere.requests == []
