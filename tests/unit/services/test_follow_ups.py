"""Follow-ups in the round update (issue 13, point 2), on the in-memory adapters: a round with
matches overdue gets one follow-up schedule through the Scheduler port, the same one however
often the update is delivered, later ones at doubling gaps, and none once the round is done or
the follow-ups are spent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.follow_ups import follow_up_times, is_follow_up, plan_follow_up
from bestshot_domain.model import MatchStatus
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import NAME_PATTERN, SchedulingPolicy
from tests.builders import T0, observation, tournament
from tests.unit.services.conftest import World

M1, M2 = "matchday-1-t1-t4", "matchday-1-t2-t3"  # kick off at 15:00 and 17:00
S = MatchStatus
DUE = T0 + timedelta(hours=2) + timedelta(hours=2, minutes=30)  # the late match + the window
ORIGIN = "liga_test_matchday-1_2026_03_14_19_30"


async def test_a_round_in_extra_time_gets_a_follow_up_after_the_window(imported: World) -> None:
    world = imported
    world.clock.set(DUE + timedelta(minutes=1))
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, S.LIVE, (1, 1)))
    update = await world.update_round("matchday-1")
    assert update.overdue == (f"scripted:{M2}",)
    assert update.follow_up == f"{ORIGIN}_f1"
    (follow_up,) = await world.scheduler.list()
    assert follow_up.name == f"{ORIGIN}_f1"
    assert follow_up.fire_at == DUE + timedelta(minutes=30)
    assert (follow_up.tournament_id, follow_up.round_slug) == ("liga-test", "matchday-1")
    assert follow_up.target_env == world.policy.target_env


async def test_a_patch_delivered_twice_ensures_the_same_follow_up(imported: World) -> None:
    world = imported
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, S.LIVE, (1, 1)))
    world.clock.set(DUE + timedelta(minutes=1))
    first = await world.update_round("matchday-1")
    world.clock.set(DUE + timedelta(minutes=4))  # the retry comes a little later
    second = await world.update_round("matchday-1")
    assert first.follow_up == second.follow_up == f"{ORIGIN}_f1"
    assert [s.name for s in await world.scheduler.list()] == [f"{ORIGIN}_f1"]


async def test_follow_ups_go_on_at_doubling_gaps_until_spent(imported: World) -> None:
    world = imported
    world.policy = attrs.evolve(world.policy, max_follow_ups=3)
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, S.LIVE, (1, 1)))
    made = []
    world.clock.set(DUE)
    for _ in range(4):  # the planned firing, then each follow-up as it fires
        update = await world.update_round("matchday-1")
        made.append(update.follow_up)
        if (fired := world.scheduler.take_due(DUE + timedelta(days=1))) and update.follow_up:
            world.clock.set(fired[0].fire_at)
    assert made == [f"{ORIGIN}_f1", f"{ORIGIN}_f2", f"{ORIGIN}_f3", None]
    assert world.clock.now() == DUE + timedelta(minutes=30 + 60 + 120)
    assert await world.scheduler.list() == []


async def test_once_the_round_is_over_no_follow_up_is_made(imported: World) -> None:
    world = imported
    world.clock.set(DUE + timedelta(minutes=31))
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, score=(3, 2)))
    update = await world.update_round("matchday-1")
    assert (update.overdue, update.follow_up) == ((), None)
    assert await world.scheduler.list() == []


async def test_next_weeks_fixtures_of_the_round_ask_for_no_follow_up(imported: World) -> None:
    world = imported
    world.clock.set(T0 - timedelta(days=1))
    update = await world.update_round("matchday-1")
    assert (update.awaiting != (), update.overdue, update.follow_up) == (True, (), None)
    assert await world.scheduler.list() == []


async def test_planning_the_day_again_leaves_follow_ups_alone(imported: World) -> None:
    world = imported
    world.clock.set(DUE + timedelta(minutes=1))
    world.source.report("liga", observation(M1, score=(2, 1)), observation(M2, S.LIVE, (1, 1)))
    await world.update_round("matchday-1")
    results = await world.create_daily_schedules(T0.date())
    assert not any(result.deleted for result in results)
    assert f"{ORIGIN}_f1" in {s.name for s in await world.scheduler.list()}


def _update(latest: datetime, at: datetime) -> RoundUpdate:
    return RoundUpdate(
        tournament_id="liga-test",
        round_slug="matchday-1",
        observed_at=at,
        outcomes=(),
        missing=(),
        unknown=(),
        awaiting=("scripted:m",),
        overdue=("scripted:m",),
        saved=(),
        changes=(),
        latest_overdue_kickoff=latest,
    )


@given(
    kickoff=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    minutes=st.integers(-600, 3000),
    delay=st.integers(1, 24 * 60),
    count=st.integers(0, 24),
    label=st.text("abcdefghijklmnopqrstuvwxyz -", min_size=1, max_size=80),
)
def test_a_follow_up_is_in_the_future_bounded_and_named_by_its_step(
    kickoff: datetime, minutes: int, delay: int, count: int, label: str
) -> None:
    kickoff = kickoff.replace(tzinfo=UTC)
    policy = SchedulingPolicy(follow_up_delay=timedelta(minutes=delay), max_follow_ups=count)
    times = follow_up_times(kickoff + policy.window, policy)
    gaps = [b - a for a, b in zip((kickoff + policy.window, *times), times, strict=False)]
    assert len(times) == count
    assert gaps == sorted(gaps)  # growing (doubling, then capped)
    now = kickoff + timedelta(minutes=minutes)
    planned = plan_follow_up(_update(kickoff, now), tournament(label=label), policy=policy)
    later = [t for t in times if t > now]
    if not later:
        assert planned is None
        return
    assert planned is not None
    assert NAME_PATTERN.fullmatch(planned.name)
    assert is_follow_up(planned.name)
    assert planned.name.endswith(f"_f{times.index(later[0]) + 1}")
    assert planned.fire_at >= later[0]
    assert planned.fire_at > now
    # Any moment of the same step gives the same follow-up: a delivery twice ensures one.
    again = plan_follow_up(
        _update(kickoff, max(now, later[0] - timedelta(seconds=1))),
        tournament(label=label),
        policy=policy,
    )
    assert again is not None
    assert again.name == planned.name
