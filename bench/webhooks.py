"""Webhooks: what a subscription costs a round update, and how fast the dispatcher delivers.

1. A 10-match round update as the use case writes it (matches, change records and their events
   in the outbox, one transaction), first with no subscription, then with one subscription
   whose dispatcher delivers every event to a loopback receiver between the updates, in this
   process (its polling goes on during them), the same pause after each update in both (after
   its deliveries in the second). Best of n each; target: at most 1.3x.
2. The dispatcher delivering 2000 events, signed, one POST each, to a loopback receiver (a
   keep-alive HTTP server in a thread of this process), against the same number of signed POSTs
   of an event's size sent alone, one after another, with the same HTTP client (the least a
   delivery costs). Target: at least a quarter of their rate (about 0.45 measured; the
   dispatcher also reads the outbox and moves its cursor). The events per second are reported
   too: 200 was this line's target before it became a ratio, and a busy machine halves them.

On the embedded PostgreSQL in a temporary folder, or `BESTSHOT_BENCH_DATABASE_URL`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from adapters.postgres import PoolConfig, create_pool, unit_of_work_factory
from adapters.webhooks import DispatcherConfig, PostgresWebhookStore, UrlPolicy, WebhookDispatcher
from adapters.webhooks.signing import new_secret, signed_headers
from bench.postgres import next_states, on_a_fresh_database, season
from bestshot_domain.emitting import match_events
from bestshot_domain.events import EventType, NewEvent
from bestshot_domain.model import Membership
from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.api.schemas.events import event_body

TARGET_RATIO = 1.3
TARGET_RATE = 0.25  # of the POSTs alone
ROUNDS = 40
PAUSE = 0.1  # s between rounds, in both phases
EVENTS = 2000
DATABASE = "bestshot_bench_webhooks"
CONFIG = DispatcherConfig(
    url_policy=UrlPolicy(allow_loopback=True, require_https=False),
    poll_seconds=0.01,
    lease=timedelta(minutes=5),
    events_per_claim=500,
)


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy offers
    count = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        type(self).count += 1
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def measure(url: str) -> bool:
    pool = await create_pool(url, PoolConfig(min_size=2, max_size=6))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        factory = unit_of_work_factory(pool)
        store = PostgresWebhookStore(pool)
        ratio = await _round_updates(factory, store, hook_url)
        rate, posting = await _delivery_rate(factory, store, hook_url)
    finally:
        server.shutdown()
        server.server_close()
        await pool.close()
    ratio_ok, rate_ok = ratio <= TARGET_RATIO, rate / posting >= TARGET_RATE
    print(
        f"  round update with one subscription delivering / without: {ratio:4.2f}x "
        f"(target <= {TARGET_RATIO}x{'' if ratio_ok else ', MISSED'})"
    )
    print(
        f"  dispatcher to a loopback receiver: {rate:6.0f} events/s, the same POSTs alone "
        f"{posting:6.0f}/s: {rate / posting:.2f} of them "
        f"(target >= {TARGET_RATE:g}{'' if rate_ok else ', MISSED'})"
    )
    return ratio_ok and rate_ok


async def _round_updates(
    factory: UnitOfWorkFactory, store: PostgresWebhookStore, url: str
) -> float:
    tournament, teams, rounds, matches = season()
    async with factory() as uow:
        await uow.tournaments.save(tournament)
        await uow.teams.save_many(teams)
        await uow.teams.set_members(
            tournament.id, [Membership(tournament.id, t.key) for t in teams]
        )
        await uow.rounds.save_many(rounds)
        await uow.matches.save_many(matches)
        await uow.commit()
    current = {match.key: match for match in matches[:10]}
    step = 0

    sent = 0  # events written while a subscription is there

    async def update() -> float:
        nonlocal step, sent
        step += 1
        before = list(current.values())
        batch, changes = next_states(before, step)
        events = match_events(batch, changes)
        start = time.perf_counter()
        async with factory() as uow:
            await uow.tournaments.lock(tournament.id)
            await uow.matches.save_many(batch)
            await uow.changes.record_many(changes)
            await uow.outbox.append(events)
            await uow.commit()
        elapsed = time.perf_counter() - start
        current.update((match.key, match) for match in batch)
        sent += len(events)
        return elapsed

    await update()  # warm the statement caches
    # Rounds come minutes apart: each phase pauses alike between them, so that neither measures
    # a warm loop against the other's cold start after a pause.
    without = []
    for _ in range(ROUNDS):
        without.append(await update())
        await asyncio.sleep(PAUSE)
    subscription = await store.create(url, list(EventType), None, new_secret())
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG)
    stop = asyncio.Event()
    delivering = asyncio.create_task(dispatcher.run(stop))
    sent, received = 0, _Receiver.count
    try:
        with_one = []
        for _ in range(ROUNDS):
            with_one.append(await update())
            # The round's deliveries go out before the next one (waited for, not guessed: on a
            # busy machine they may take longer than a pause), then the pause, in which the
            # dispatcher only polls, as it does between rounds.
            await _delivered(received + sent)
            await asyncio.sleep(PAUSE)
    finally:
        stop.set()
        await delivering
        await dispatcher.aclose()
        await store.delete(subscription.id)
    return min(with_one) / min(without)


async def _delivered(count: int) -> None:
    deadline = time.monotonic() + 30
    while _Receiver.count < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count - _Receiver.count} events not delivered in 30 s")
        await asyncio.sleep(0.005)


async def _delivery_rate(
    factory: UnitOfWorkFactory, store: PostgresWebhookStore, url: str
) -> tuple[float, float]:
    subscription = await store.create(url, list(EventType), None, new_secret())
    *_, matches = season()
    events: list[NewEvent] = []
    step = 10_000
    while len(events) < EVENTS:
        step += 1
        batch, changes = next_states(matches[:10], step)
        events.extend(match_events(batch, changes))
    async with factory() as uow:
        await uow.outbox.append(events[:EVENTS])
        await uow.commit()
    dispatcher = WebhookDispatcher(store, event_body, config=CONFIG)
    try:
        start = time.perf_counter()
        delivered = 0
        while delivered < EVENTS:
            delivered += await dispatcher.run_once()
        elapsed = time.perf_counter() - start
    finally:
        await dispatcher.aclose()
        await store.delete(subscription.id)
    return delivered / elapsed, await _posting_rate(url, subscription.secret)


async def _posting_rate(url: str, secret: str) -> float:
    """The baseline: as many signed POSTs of an event's size, one after another, with the
    dispatcher's HTTP client to the same receiver, and nothing else (no outbox read, no cursor
    written)."""
    body = b'{"type":"match.updated","data":{' + b'"x":"' + b"y" * 300 + b'"}}'
    async with httpx.AsyncClient(follow_redirects=False) as client:
        start = time.perf_counter()
        for number in range(EVENTS):
            headers = signed_headers(secret, number, datetime.now(UTC), body)
            response = await client.post(url, content=body, headers=headers)
            response.raise_for_status()
        return EVENTS / (time.perf_counter() - start)


async def _titled(url: str) -> bool:
    print("Webhooks: a subscription's cost to a round update, the dispatcher's rate")
    return await measure(url)


def run() -> bool:
    return on_a_fresh_database(_titled, DATABASE)


if __name__ == "__main__":
    raise SystemExit(0 if run() else 1)
