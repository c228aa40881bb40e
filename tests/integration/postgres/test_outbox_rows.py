"""What the outbox stores (migration 0011): a match event of a recorded change names it and
keeps the teams, with no copy of the payload; any other event keeps its payload. That each reads
back as appended is the Outbox contract's (tests/contracts/test_outbox.py)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import attrs
import pytest

from bestshot_domain.emitting import match_events
from bestshot_domain.model import ChangeKind, MatchChange, MatchStatus
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, match, state
from tests.contracts.seed import seed_league

pytestmark = pytest.mark.integration


async def test_a_match_event_names_its_change_and_no_observation(
    postgres_pool: asyncpg.Pool, postgres_uow_factory: UnitOfWorkFactory
) -> None:
    m1 = match("m1")
    await seed_league(postgres_uow_factory, matches=[m1])
    update = MatchChange(
        m1.key,
        "liga-test",
        "matchday-1",
        ChangeKind.UPDATED,
        state(),
        state(MatchStatus.LIVE, (0, 0)),
        "scheduled -> live 0-0",
        T0 + timedelta(minutes=5),
    )
    observed = attrs.evolve(update, kind=ChangeKind.OBSERVATION, recorded_at=T0)
    async with postgres_uow_factory() as uow:
        await uow.changes.record_many([update, observed])
        await uow.outbox.append(
            [
                *match_events([m1], [update]),
                *match_events([m1], [attrs.evolve(observed, kind=ChangeKind.UPDATED)]),
            ]
        )
        await uow.commit()
    rows = await postgres_pool.fetch(
        """
        SELECT e.type, c.kind, e.home, e.away, e.payload IS NULL AS no_copy
        FROM outbox_events e LEFT JOIN match_changes c ON c.id = e.change_id ORDER BY e.id
        """
    )
    assert [tuple(row.values()) for row in rows] == [
        ("match.updated", "updated", "scripted:a", "scripted:b", True),
        ("match.updated", None, None, None, False),
    ]
