"""The daily flow end to end on the in-memory adapters: import, plan, fire, score, table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain import services
from bestshot_domain.model import ChangeKind, MatchStatus
from bestshot_domain.ports import EnsureOutcome
from bestshot_domain.scheduling import SchedulingPolicy
from bestshot_routes import Origin, check_target
from tests.builders import league_fixtures, observation

# Matchday 1 kicks off at 21:30 and 23:30 in Sao Paulo on 2026-05-02: 00:30 and 02:30 UTC on the
# 3rd, which still belong to the Brazilian 2nd.
FIRST_KICKOFF = datetime(2026, 5, 3, 0, 30, tzinfo=UTC)
MATCHDAY = date(2026, 5, 2)
API = Origin.parse("https://api.example.com")


async def test_import_plan_fire_and_read_the_new_table() -> None:
    uow_factory = MemoryUnitOfWorkFactory()
    source = ScriptedSource()
    sources = {source.provider: source}
    scheduler = MemoryScheduler()
    clock = SettableClock(datetime(2026, 5, 2, 9, 0, tzinfo=UTC))
    policy = SchedulingPolicy(target_env="production")
    source.publish("bra.1", league_fixtures(4, start=FIRST_KICKOFF))

    summary = await services.import_tournament(
        "scripted",
        "bra.1",
        "Brasileirão Betano 2026",
        "brasileirao",
        timezone="America/Sao_Paulo",
        zones="1:champion,4:relegation",
        uow_factory=uow_factory,
        sources=sources,
        clock=clock,
    )
    tournament_id = summary.tournament.id
    assert tournament_id == "brasileirao-betano-2026"

    results = await services.create_daily_schedules(
        MATCHDAY, uow_factory=uow_factory, scheduler=scheduler, clock=clock, policy=policy
    )
    assert [r.outcome for r in results] == [EnsureOutcome.CREATED]
    (planned,) = await scheduler.list()
    assert planned.name == "brasileirao_betano_2026_2026_05_03_05_00"  # 02:30 + 2h30 UTC
    assert planned.target_env == "production"

    # The matches are played; nothing fires before its time.
    source.report(
        "bra.1",
        observation("matchday-1-t1-t4", score=(3, 1)),
        observation("matchday-1-t2-t3", score=(0, 0)),
    )
    clock.set(planned.fire_at - timedelta(seconds=1))
    assert scheduler.take_due(clock.now()) == ()
    clock.set(planned.fire_at)
    (fired,) = scheduler.take_due(clock.now())

    # What the caller does with the target: PATCH the round, then the standings.
    target = API.target(fired.tournament_id, fired.round_slug, fired.target_env)
    aimed = check_target(target, API)
    fired_tournament, fired_round = aimed.tournament_id, aimed.round_slug
    update = await services.update_round(
        fired_tournament, fired_round, uow_factory=uow_factory, sources=sources, clock=clock
    )
    assert len(update.updated) == 2
    assert update.awaiting == ()
    snapshot = await services.update_standings(
        fired_tournament, uow_factory=uow_factory, clock=clock
    )

    async with uow_factory() as uow:
        stored = await uow.standings.get(tournament_id)
        changes = await uow.changes.for_tournament(tournament_id)
        matchday = await uow.matches.for_round(tournament_id, "matchday-1")
    assert stored == snapshot
    assert stored.computed_at == planned.fire_at
    (table,) = stored.tables
    assert [(row.name, row.points, row.zone) for row in table.rows] == [
        ("Team T1", 3, "champion"),
        ("Team T2", 1, None),
        ("Team T3", 1, None),
        ("Team T4", 0, "relegation"),
    ]
    assert {m.status for m in matchday} == {MatchStatus.FINISHED}
    assert [c.kind for c in changes].count(ChangeKind.UPDATED) == 2

    # The same event delivered again changes nothing; the day needs no schedule any more.
    again = await services.update_round(
        fired_tournament, fired_round, uow_factory=uow_factory, sources=sources, clock=clock
    )
    assert again.saved == ()
    async with uow_factory() as uow:
        assert len(await uow.changes.for_tournament(tournament_id)) == len(changes)
    assert (
        await services.create_daily_schedules(
            MATCHDAY, uow_factory=uow_factory, scheduler=scheduler, clock=clock, policy=policy
        )
        == ()
    )
