"""The demo source through the real use cases and the in-memory adapters, as `make demo` runs it:
import a season, let the clock pass today's matches, update the round, compute the table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.memory import MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.demo import DemoSource, reference_for
from bestshot_domain.model import MatchStatus
from bestshot_domain.services import import_tournament, update_round, update_standings

MORNING = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def test_a_demo_matchday_end_to_end() -> None:
    clock = SettableClock(MORNING)
    uow = MemoryUnitOfWorkFactory()
    sources = {"demo": DemoSource(clock)}
    reference = reference_for(42, clock.now())
    summary = await import_tournament(
        "demo", reference, "Demo League", "premier_league", uow_factory=uow, sources=sources,
        clock=clock,
    )  # fmt: skip
    assert (summary.matches.created, summary.teams.created, summary.rounds.created) == (380, 20, 38)
    tournament = summary.tournament.id

    async with uow() as unit:
        today = await unit.matches.for_round(tournament, "matchday-20")
        before = await unit.matches.for_round(tournament, "matchday-19")
    assert {m.status for m in today} == {MatchStatus.SCHEDULED}
    assert {m.kickoff.date() for m in today} == {MORNING.date()}
    assert {m.status for m in before} == {MatchStatus.FINISHED}

    table = (await update_standings(tournament, uow_factory=uow, clock=clock)).tables[0]
    assert {row.played for row in table.rows} == {19}

    clock.set(max(m.kickoff for m in today) + timedelta(hours=2, minutes=30))
    update = await update_round(
        tournament, "matchday-20", uow_factory=uow, sources=sources, clock=clock
    )
    assert len(update.updated) == 10
    assert update.awaiting == ()

    table = (await update_standings(tournament, uow_factory=uow, clock=clock)).tables[0]
    assert len(table.rows) == 20
    assert {row.played for row in table.rows} == {20}
    assert sum(row.goals_for for row in table.rows) == sum(row.goals_against for row in table.rows)
    points = sorted((row.points for row in table.rows), reverse=True)
    assert points == [row.points for row in table.rows]

    again = await update_round(
        tournament, "matchday-20", uow_factory=uow, sources=sources, clock=clock
    )
    assert again.updated == ()
    reimport = await import_tournament(
        "demo", reference, "Demo League", "premier_league", uow_factory=uow, sources=sources,
        clock=clock,
    )  # fmt: skip
    assert not reimport.changed
