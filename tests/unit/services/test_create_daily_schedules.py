from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs

from bestshot_domain.model import Fixtures, MatchStatus
from bestshot_domain.ports import EnsureOutcome
from bestshot_domain.scheduling import SchedulingPolicy
from tests.builders import T0, observation
from tests.unit.services.conftest import World

S = MatchStatus
DAY = T0.date()  # matchday 1: kickoffs at 15:00 and 17:00 UTC


async def test_todays_rounds_get_a_schedule_each_created_once(imported: World) -> None:
    world = imported
    (result,) = await world.create_daily_schedules(DAY)
    assert result.outcome is EnsureOutcome.CREATED
    schedule = result.schedule
    assert schedule.name == "liga_test_2026_03_14_19_30"
    assert schedule.fire_at == datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    assert (schedule.tournament_id, schedule.round_slug) == ("liga-test", "matchday-1")
    assert schedule.target_env == "demo"
    assert list(await world.scheduler.list()) == [schedule]

    (again,) = await world.create_daily_schedules(DAY)
    assert again.outcome is EnsureOutcome.UNCHANGED
    assert list(await world.scheduler.list()) == [schedule]


async def test_the_day_defaults_to_todays_date_in_utc(imported: World) -> None:
    world = imported
    world.clock.set(datetime(2026, 3, 21, 9, 0, tzinfo=UTC))  # matchday 2
    (result,) = await world.create_daily_schedules()
    assert result.schedule.round_slug == "matchday-2"


async def test_a_day_without_matches_needs_no_schedule(imported: World) -> None:
    assert await imported.create_daily_schedules(date(2026, 3, 15)) == ()
    assert list(await imported.scheduler.list()) == []


async def test_a_dry_run_only_plans(imported: World) -> None:
    world = imported
    (result,) = await world.create_daily_schedules(DAY, dry_run=True)
    assert result.outcome is None
    assert result.schedule.name == "liga_test_2026_03_14_19_30"
    assert list(await world.scheduler.list()) == []


async def test_finished_rounds_need_no_schedule(imported: World) -> None:
    world = imported
    world.source.report(
        "liga",
        observation("matchday-1-t1-t4", score=(1, 0)),
        observation("matchday-1-t2-t3", score=(0, 0)),
    )
    await world.update_round("matchday-1")
    assert await world.create_daily_schedules(DAY) == ()


async def test_an_existing_schedule_aimed_elsewhere_is_updated(imported: World) -> None:
    world = imported
    await world.create_daily_schedules(DAY)
    world.policy = attrs.evolve(world.policy, target_env="production")
    (result,) = await world.create_daily_schedules(DAY)
    assert result.outcome is EnsureOutcome.UPDATED
    (stored,) = await world.scheduler.list()
    assert stored.target_env == "production"


async def test_test_mode_fires_two_minutes_after_planning(imported: World) -> None:
    world = imported
    world.policy = SchedulingPolicy(test_delay=timedelta(minutes=2), prefix="demo_")
    world.clock.set(datetime(2026, 3, 14, 8, 0, 30, tzinfo=UTC))
    (result,) = await world.create_daily_schedules(DAY)
    assert result.schedule.fire_at == datetime(2026, 3, 14, 8, 3, tzinfo=UTC)
    assert result.schedule.name == "demo_liga_test_2026_03_14_08_03"


async def test_the_day_is_each_tournaments_own(world: World, fixtures: Fixtures) -> None:
    # Kickoffs at 15:00 and 17:00 UTC are the 15th in Kiritimati (UTC+14) from 10:00 UTC on.
    world.source.publish("liga", fixtures)
    await world.import_(timezone="Pacific/Kiritimati")
    (result,) = await world.create_daily_schedules(date(2026, 3, 15))
    assert result.schedule.round_slug == "matchday-1"
    assert await world.create_daily_schedules(DAY) == ()


async def test_a_moved_kickoff_replaces_its_schedule_instead_of_adding_one(
    imported: World,
) -> None:
    world = imported
    (first,) = await world.create_daily_schedules(DAY)
    assert first.schedule.fire_at == datetime(2026, 3, 14, 19, 30, tzinfo=UTC)
    # The 17:00 kickoff moves to 18:00: the round now fires at 20:30, under another name.
    world.source.report(
        "liga",
        observation("matchday-1-t2-t3", S.SCHEDULED, kickoff=T0 + timedelta(hours=3)),
    )
    await world.update_round("matchday-1")
    planned, deleted = await world.create_daily_schedules(DAY)
    assert (planned.outcome, planned.deleted) == (EnsureOutcome.CREATED, False)
    assert planned.schedule.name == "liga_test_2026_03_14_20_30"
    assert (deleted.schedule, deleted.outcome, deleted.deleted) == (first.schedule, None, True)
    assert list(await world.scheduler.list()) == [planned.schedule]
    (again,) = await world.create_daily_schedules(DAY)
    assert again.outcome is EnsureOutcome.UNCHANGED


async def test_planning_a_day_leaves_the_other_days_schedules_alone(imported: World) -> None:
    world = imported
    (today,) = await world.create_daily_schedules(DAY)
    (next_week,) = await world.create_daily_schedules(DAY + timedelta(days=7))
    assert (await world.create_daily_schedules(DAY))[0].outcome is EnsureOutcome.UNCHANGED
    assert list(await world.scheduler.list()) == [today.schedule, next_week.schedule]


async def test_a_dry_run_neither_creates_nor_deletes(imported: World) -> None:
    world = imported
    (first,) = await world.create_daily_schedules(DAY)
    world.source.report(
        "liga",
        observation("matchday-1-t2-t3", S.SCHEDULED, kickoff=T0 + timedelta(hours=3)),
    )
    await world.update_round("matchday-1")
    (planned,) = await world.create_daily_schedules(DAY, dry_run=True)
    assert planned.outcome is None
    assert list(await world.scheduler.list()) == [first.schedule]


async def test_a_day_planned_after_its_matches_fires_a_minute_later(imported: World) -> None:
    world = imported
    world.clock.set(datetime(2026, 3, 14, 21, 5, 20, tzinfo=UTC))  # the round should be over
    (result,) = await world.create_daily_schedules(DAY)
    assert result.schedule.fire_at == datetime(2026, 3, 14, 21, 7, tzinfo=UTC)
