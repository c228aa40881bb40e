"""A dispute reaches Sentry once (the ERROR line of `dispute.opened` through the SDK's logging
integration), naming the dispute and the answers and not the providers' references."""

from __future__ import annotations

import json

import pytest
import sentry_sdk

from adapters.memory import MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain.model import Fallback, MatchStatus, VerifyMode
from bestshot_domain.services import import_tournament, update_round
from entrypoints.observability import init_sentry
from entrypoints.settings import load_settings
from tests.builders import T0, league_fixtures, observation
from tests.integration.api.conftest import LoopbackServer, sentry_events

pytestmark = pytest.mark.integration

SECRET_REFERENCE = "liga?token=hunter2-in-the-reference"
MATCH = "matchday-1-t1-t4"


async def test_a_dispute_is_reported_to_sentry_once(
    sentry_dsn: str, loopback: LoopbackServer
) -> None:
    assert init_sentry(load_settings({"SENTRY_DSN": sentry_dsn}))
    primary, backup = ScriptedSource("scripted"), ScriptedSource("backup")
    primary.publish(SECRET_REFERENCE, league_fixtures(4))
    backup.publish(SECRET_REFERENCE, league_fixtures(4, provider="backup"))
    sources = {"scripted": primary, "backup": backup}
    uow, clock = MemoryUnitOfWorkFactory(), SettableClock(T0)
    summary = await import_tournament(
        "scripted", SECRET_REFERENCE, "Liga", "premier_league",
        fallback=Fallback("backup", SECRET_REFERENCE), verify=VerifyMode.AGREE,
        uow_factory=uow, sources=sources, clock=clock,
    )  # fmt: skip
    primary.report(SECRET_REFERENCE, observation(MATCH, MatchStatus.FINISHED, (1, 0), kickoff=T0))
    backup.report(SECRET_REFERENCE, observation(MATCH, MatchStatus.FINISHED, (0, 1), kickoff=T0))
    for _ in range(2):  # the second delivery opens nothing, and reports nothing
        update = await update_round(
            summary.tournament.id, "matchday-1", uow_factory=uow, sources=sources, clock=clock
        )
    assert update.held == (f"scripted:{MATCH}",)
    sentry_sdk.flush(timeout=5)

    reported = [
        event
        for event in sentry_events(loopback)
        if "dispute.opened" in json.dumps(event.get("logentry") or event.get("message"))
    ]
    assert len(reported) == 1
    sent = json.dumps(reported[0])
    assert f"scripted:{MATCH}" in sent
    assert "scripted: finished 1-0" in sent
    assert "backup: finished 0-1" in sent
    assert "hunter2" not in sent
