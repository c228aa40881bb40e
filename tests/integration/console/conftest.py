"""The console in a real browser: Debian's chromium driven by Playwright, against the API and
console served by a real uvicorn on loopback (the composition root in this process, so that
coverage sees the pages' code) over a real PostgreSQL holding the demo league.

One browser for the session, one fresh profile; screenshots go to build/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from adapters.local_scheduler import LocalScheduler
from adapters.memory import SettableClock
from adapters.postgres.admin import drop_database
from bestshot_domain.events import EventType
from bestshot_domain.model import MatchStatus, Score
from bestshot_domain.ports import PlannedSchedule
from bestshot_domain.verification import Answer, Dispute, DisputeKind, dispute_id
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.demo_seed import DEMO_TOURNAMENT, seed_demo_if_empty
from entrypoints.settings import Settings, load_settings
from tests.conftest import PostgresServerForTests
from tests.integration.api.live import LiveApi

# Debian's chromium by default; the Makefile's CHROMIUM names another build (GitHub's Chrome).
CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
# Chromium as the tests run it: headless, no sandbox (CI runs as root), nothing reaching out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAILED_SCHEDULE = "demo-league_console-check_failed"
FAILED_ERROR_SECRET = "query-secret-0123456789"
HOOK_QUERY_SECRET = "hook-query-secret-0123456789"
HOOK_SIGNING_SECRET = "whsec_c2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OWFi"
ADJUSTED_TEAM = "demo:t03"
ADJUSTMENT_REASON = "administration (console test)"
DISPUTED_ROUND = "matchday-19"


async def _open_dispute(service: Service) -> None:
    """A dispute as verification opens it, on the round's first match: its stored final against
    a provider's other one."""
    async with service.uow_factory() as uow:
        match = (await uow.matches.for_round(DEMO_TOURNAMENT, DISPUTED_ROUND))[0]
        opened_at = service.clock.now()
        await uow.verification.save_disputes(
            [
                Dispute(
                    dispute_id(DEMO_TOURNAMENT, match.key, opened_at),
                    DEMO_TOURNAMENT,
                    DISPUTED_ROUND,
                    match.key,
                    DisputeKind.DISAGREEMENT,
                    (
                        Answer.of("stored", match.state),
                        Answer("fallback", MatchStatus.FINISHED, Score(0, 3)),
                    ),
                    opened_at,
                )
            ]
        )
        await uow.commit()


async def _arrange(settings: Settings, clock: SettableClock) -> None:
    """The demo league, today's plan, a failed schedule with a follow-up, a point adjustment,
    an open dispute, and a webhook subscription whose deliveries fail."""
    async with bootstrap(settings, clock=clock) as service:
        await seed_demo_if_empty(service)
        await _open_dispute(service)
        await service.use_cases.create_daily_schedules(None, False)
        webhooks = service.webhooks
        subscription = await webhooks.create(
            f"https://hooks.example.com/bestshot?key={HOOK_QUERY_SECRET}",
            [EventType.STANDINGS_CHANGED],
            None,
            HOOK_SIGNING_SECRET,
        )
        await service.use_cases.set_point_adjustment(
            DEMO_TOURNAMENT, ADJUSTED_TEAM, -3, ADJUSTMENT_REASON
        )
        now = service.clock.now()
        (claimed,) = await webhooks.claim(1, timedelta(minutes=1))
        assert claimed.id == subscription.id
        events, _ = await webhooks.pending(claimed, 1)
        await webhooks.record(
            claimed,
            event_id=events[0].id,
            attempt=1,
            status=503,
            latency_ms=42,
            error="503 from https://hooks.example.com/bestshot?key=" + HOOK_QUERY_SECRET,
        )
        await webhooks.retry_later(claimed, now + timedelta(hours=1), now, failing=True)

        local = service.local_scheduler
        assert isinstance(local, LocalScheduler)
        fire_at = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
        await local.ensure(
            PlannedSchedule(FAILED_SCHEDULE, fire_at, DEMO_TOURNAMENT, "matchday-19", "demo")
        )
        await local.ensure(
            PlannedSchedule(
                FAILED_SCHEDULE + "_f1",
                fire_at + timedelta(days=1),
                DEMO_TOURNAMENT,
                "matchday-19",
                "demo",
            )
        )
        for record in await local.claim_due(now, 10, timedelta(minutes=5)):
            await local.mark_failed(
                record,
                f"the round update answered 502 (https://api.example/x?token={FAILED_ERROR_SECRET})",
                None,
            )


# Module-scoped, and the browser tests in one module: one browser per session, and Playwright's
# own event loop gone before any other module's asyncio tests run.
@pytest.fixture(scope="module")
def console(postgres_server: PostgresServerForTests) -> Iterator[LiveApi]:
    name = asyncio.run(postgres_server.new_database())
    settings = load_settings(
        {
            "NODE_ENV": "demo",
            "DATABASE_URL": postgres_server.url(name),
            "BESTSHOT_DB_POOL_MAX": "4",
            "INTERNAL_SERVICE_TOKEN": "console-test-internal-token-0123456789",
        }
    )
    # Today's morning: the demo's current matchday kicks off later in the day, so none of it has
    # been played yet, whatever the hour the tests run at (in the evening, on the wall clock,
    # its first matches would be under way).
    clock = SettableClock(datetime.combine(datetime.now(UTC).date(), time(9, 50), tzinfo=UTC))
    try:
        asyncio.run(_arrange(settings, clock))
        with LiveApi(settings, clock=clock) as api:
            yield api
    finally:
        asyncio.run(drop_database(postgres_server.admin_url, name))


@pytest.fixture(scope="module")
def browser(console: LiveApi) -> Iterator[BrowserContext]:
    """One chromium, one fresh profile, in the UTC-5 zone (so the viewer's times differ from
    the tournament's UTC)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="bestshot-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                timezone_id="America/New_York",
                locale="en-GB",
                viewport={"width": 1400, "height": 1000},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
