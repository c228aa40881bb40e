"""The caller against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import email.utils
import socket
import time

import pytest

from adapters.caller import (
    CallerConfig,
    CallRejected,
    CallUnavailable,
    call_round_and_standings,
    retry_after_seconds,
)
from adapters.caller_async import call_round_and_standings_async
from tests.integration.caller.scripted_api import (
    ROUND_PATH,
    STANDINGS_PATH,
    TOKEN,
    Answer,
    ScriptedAPI,
)

pytestmark = pytest.mark.integration

FAST = CallerConfig(attempts=3, backoff_initial=0.01, backoff_max=0.05, read_timeout=5.0)


def test_patches_the_round_then_the_standings_with_the_token(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(200, {"updated": 3, "unchanged": 7}))
    api.then(STANDINGS_PATH, Answer(200, {"tables": [{"group": None, "rows": []}]}))

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert [(seen.method, seen.path) for seen in api.seen] == [
        ("PATCH", ROUND_PATH),
        ("PATCH", STANDINGS_PATH),
    ]
    assert all(seen.headers["X-Internal-Token"] == TOKEN for seen in api.seen)
    assert summary.round.status == 200
    assert summary.round.body == {"updated": 3, "unchanged": 7}
    assert summary.round.attempts == 1
    assert summary.standings.body == {"tables": [{"group": None, "rows": []}]}
    as_json = summary.to_json()
    assert as_json["round"]["status"] == 200
    assert as_json["standings"]["url"] == api.url(STANDINGS_PATH)


def test_two_503_then_success_is_retried(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(503, {"title": "busy"}), Answer(503, {"title": "busy"}))

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert api.paths() == [ROUND_PATH, ROUND_PATH, ROUND_PATH, STANDINGS_PATH]
    assert summary.round.attempts == 3
    assert summary.round.status == 200
    assert summary.standings.attempts == 1


def test_a_403_is_not_retried_and_never_shows_the_token(api: ScriptedAPI) -> None:
    # A careless server echoing the token: the message must still not carry it.
    api.then(ROUND_PATH, Answer(403, {"title": "Forbidden", "detail": f"bad token {TOKEN}"}))

    with pytest.raises(CallRejected) as caught:
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    error = caught.value
    assert api.paths() == [ROUND_PATH]  # once, and the standings never asked
    assert error.status == 403
    assert error.attempts == 1
    assert error.url == api.url(ROUND_PATH)
    assert "403" in str(error)
    assert ROUND_PATH in str(error)
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error.args)


def test_5xx_until_the_attempts_run_out(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, *[Answer(502, "bad gateway")] * 5)

    with pytest.raises(CallUnavailable, match=r"after 3 attempts: HTTP 502 \(bad gateway\)") as c:
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert c.value.status == 502
    assert c.value.attempts == 3
    assert api.paths() == [ROUND_PATH] * 3


def test_the_standings_failing_after_the_round_names_the_standings(api: ScriptedAPI) -> None:
    api.then(STANDINGS_PATH, *[Answer(500, {"title": "boom"})] * 3)

    with pytest.raises(CallUnavailable) as caught:
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert caught.value.url == api.url(STANDINGS_PATH)
    assert api.paths() == [ROUND_PATH] + [STANDINGS_PATH] * 3


def test_a_server_too_slow_to_answer_times_out_and_is_retried(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(200, {"late": True}, delay=1.0))
    patient_once = CallerConfig(attempts=2, backoff_initial=0.01, read_timeout=0.2)

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=patient_once
    )

    assert summary.round.attempts == 2
    assert summary.round.body == {"path": ROUND_PATH, "ok": True}


def test_nobody_listening_is_unavailable_with_no_status() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}{ROUND_PATH}"

    with pytest.raises(CallUnavailable, match="ConnectionRefused") as caught:
        call_round_and_standings(url, url, token=TOKEN, config=FAST)

    assert caught.value.status is None
    assert caught.value.attempts == 3


def test_a_redirect_is_not_followed(api: ScriptedAPI, elsewhere: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(307, {}, headers={"Location": elsewhere.url(ROUND_PATH)}))

    with pytest.raises(CallRejected, match="307"):
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert elsewhere.seen == []


def test_a_body_that_is_not_json_is_kept_as_text(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(200, "done"))

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert summary.round.body == "done"


async def test_the_async_form_retries_the_same_way(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(503), Answer(503))

    summary = await call_round_and_standings_async(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert api.paths() == [ROUND_PATH] * 3 + [STANDINGS_PATH]
    assert summary.round.attempts == 3
    assert all(seen.headers["X-Internal-Token"] == TOKEN for seen in api.seen)


async def test_the_async_form_does_not_retry_a_4xx(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(404, {"title": "Not Found", "detail": "no round round-36"}))

    with pytest.raises(CallRejected, match="no round round-36") as caught:
        await call_round_and_standings_async(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert caught.value.status == 404
    assert api.paths() == [ROUND_PATH]


@pytest.mark.parametrize("status", [409, 429])
def test_a_conflict_or_too_many_requests_is_worth_another_attempt(
    api: ScriptedAPI, status: int
) -> None:
    api.then(ROUND_PATH, Answer(status, {"title": "try again"}))

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert api.paths() == [ROUND_PATH, ROUND_PATH, STANDINGS_PATH]
    assert summary.round.attempts == 2


class Waits:
    """Records the waits the caller asks for, and waits a token time instead."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        time.sleep(0.01)

    async def asleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0.01)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Waits:
    recorded = Waits()
    monkeypatch.setattr("adapters.caller._sleep", recorded)
    monkeypatch.setattr("adapters.caller_async._sleep", recorded.asleep)
    return recorded


def test_a_busy_api_is_asked_again_no_sooner_than_its_retry_after(
    api: ScriptedAPI, waits: Waits
) -> None:
    busy = Answer(503, {"title": "Busy"}, headers={"Retry-After": "3"})
    api.then(ROUND_PATH, busy)
    api.then(STANDINGS_PATH, Answer(429, {"title": "slow down"}, headers={"Retry-After": "2"}))

    summary = call_round_and_standings(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert api.paths() == [ROUND_PATH, ROUND_PATH, STANDINGS_PATH, STANDINGS_PATH]
    assert (summary.round.attempts, summary.standings.attempts) == (2, 2)
    # Each wait is at least what was asked, with some jitter on top, and not much more.
    assert 3 <= waits.asked[0] <= 3 + FAST.backoff_max
    assert 2 <= waits.asked[1] <= 2 + FAST.backoff_max


async def test_the_async_form_honours_retry_after_too(api: ScriptedAPI, waits: Waits) -> None:
    api.then(ROUND_PATH, Answer(503, {"title": "Busy"}, headers={"Retry-After": "4"}))

    summary = await call_round_and_standings_async(
        api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
    )

    assert summary.round.attempts == 2
    assert len(waits.asked) == 1
    assert waits.asked[0] >= 4


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_retry_after_past_the_deadline_ends_the_call_at_once(
    api: ScriptedAPI, waits: Waits, asynchronous: bool
) -> None:
    api.then(ROUND_PATH, Answer(503, {"title": "Busy"}, headers={"Retry-After": "120"}))
    config = FAST._replace(deadline=30.0)
    urls = (api.url(ROUND_PATH), api.url(STANDINGS_PATH))

    async def call() -> None:
        if asynchronous:
            await call_round_and_standings_async(*urls, token=TOKEN, config=config)
        else:
            call_round_and_standings(*urls, token=TOKEN, config=config)

    with pytest.raises(CallUnavailable, match="Retry-After asked 120 s, past the call's deadline"):
        await call()

    assert waits.asked == []  # no wait that could not end in time
    assert api.paths() == [ROUND_PATH]


def test_without_a_deadline_the_attempts_worst_case_bounds_the_waits(
    api: ScriptedAPI, waits: Waits
) -> None:
    config = CallerConfig(attempts=3, read_timeout=1.0, connect_timeout=1.0)
    assert config.budget(2) < 3600
    api.then(ROUND_PATH, Answer(503, {"title": "Busy"}, headers={"Retry-After": "3600"}))

    with pytest.raises(CallUnavailable, match="past the call's deadline"):
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=config
        )
    assert waits.asked == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date gone by: at once
        ("soon", None),
        ("-3", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(
    header: str | None, expected: float | None
) -> None:
    assert retry_after_seconds(header) == expected


def test_a_retry_after_date_ahead_is_the_time_until_then() -> None:
    ahead = email.utils.formatdate(time.time() + 120, usegmt=True)
    seconds = retry_after_seconds(ahead)
    assert seconds is not None
    assert 100 < seconds <= 120


def test_an_answer_over_the_cap_is_not_retried(
    api: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.caller.MAX_ANSWER_BYTES", 100)
    api.then(ROUND_PATH, Answer(200, "x" * 1000))

    with pytest.raises(CallUnavailable, match="larger than 100 bytes") as caught:
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert caught.value.attempts == 1
    assert caught.value.status == 200


def test_busy_answers_use_no_attempt_up_but_other_failures_do(
    api: ScriptedAPI, waits: Waits
) -> None:
    busy = Answer(503, {"title": "Busy"}, headers={"Retry-After": "1"})
    api.then(ROUND_PATH, busy, busy, busy, busy)
    api.then(STANDINGS_PATH, busy, Answer(502, "bad gateway"), busy, Answer(502, "bad gateway"))
    config = FAST._replace(attempts=2, deadline=600.0)

    with pytest.raises(CallUnavailable, match="after 4 attempts: HTTP 502") as caught:
        call_round_and_standings(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=config
        )

    # The round: four busy answers, then done with two attempts allowed; the standings: two
    # busy answers and two blind failures, the second of which spends the attempts.
    assert api.paths() == [ROUND_PATH] * 5 + [STANDINGS_PATH] * 4
    assert caught.value.url == api.url(STANDINGS_PATH)
    assert len(waits.asked) == 4 + 3


async def test_the_async_form_refuses_an_answer_over_the_cap_at_once(
    api: ScriptedAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.caller_async.MAX_ANSWER_BYTES", 100)
    api.then(ROUND_PATH, Answer(200, "x" * 1000))

    with pytest.raises(CallUnavailable, match="larger than 100 bytes") as caught:
        await call_round_and_standings_async(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=FAST
        )

    assert (caught.value.attempts, caught.value.status) == (1, 200)


async def test_the_async_form_gives_up_at_the_deadline(api: ScriptedAPI) -> None:
    api.then(ROUND_PATH, Answer(200, {"late": True}, delay=1.0))
    config = FAST._replace(attempts=5, read_timeout=30.0, deadline=0.3)

    with pytest.raises(CallUnavailable, match=r"before the deadline|deadline passed"):
        await call_round_and_standings_async(
            api.url(ROUND_PATH), api.url(STANDINGS_PATH), token=TOKEN, config=config
        )


async def test_the_async_form_with_nobody_listening_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}{ROUND_PATH}"

    with pytest.raises(CallUnavailable, match="ConnectError") as caught:
        await call_round_and_standings_async(url, url, token=TOKEN, config=FAST)

    assert (caught.value.status, caught.value.attempts) == (None, 3)


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_call_whose_deadline_has_passed_sends_nothing(
    api: ScriptedAPI, asynchronous: bool
) -> None:
    config = FAST._replace(deadline=0.0)
    urls = (api.url(ROUND_PATH), api.url(STANDINGS_PATH))

    async def call() -> None:
        if asynchronous:
            await call_round_and_standings_async(*urls, token=TOKEN, config=config)
        else:
            call_round_and_standings(*urls, token=TOKEN, config=config)

    with pytest.raises(CallUnavailable, match="the call's deadline passed"):
        await call()
    assert api.seen == []
