"""The Scheduler contract: ensure is idempotent and says what it did; list; delete."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.ports import EnsureOutcome, PlannedSchedule, Scheduler
from tests.builders import FIRE, planned


async def test_ensure_creates_then_finds_it_unchanged(scheduler: Scheduler) -> None:
    schedule = planned()
    assert await scheduler.ensure(schedule) is EnsureOutcome.CREATED
    assert await scheduler.ensure(schedule) is EnsureOutcome.UNCHANGED
    assert list(await scheduler.list()) == [schedule]


@pytest.mark.parametrize(
    "changed",
    [
        planned(fire_at=FIRE + timedelta(minutes=30)),
        planned(round_slug="matchday-2"),
        planned(target_env="production"),
    ],
    ids=["time", "round", "target-env"],
)
async def test_ensure_updates_a_schedule_that_differs_from_the_plan(
    scheduler: Scheduler, changed: PlannedSchedule
) -> None:
    await scheduler.ensure(planned())
    assert await scheduler.ensure(changed) is EnsureOutcome.UPDATED
    assert list(await scheduler.list()) == [changed]
    assert await scheduler.ensure(changed) is EnsureOutcome.UNCHANGED


async def test_list_is_ordered_by_firing_time_then_name(scheduler: Scheduler) -> None:
    schedules = [
        planned("b_late", FIRE + timedelta(hours=1)),
        planned("b_early", FIRE),
        planned("a_early", FIRE),
        planned("c_earliest", FIRE - timedelta(days=1)),
    ]
    for schedule in schedules:
        await scheduler.ensure(schedule)
    assert [s.name for s in await scheduler.list()] == [
        "c_earliest",
        "a_early",
        "b_early",
        "b_late",
    ]


async def test_delete_removes_only_that_schedule(scheduler: Scheduler) -> None:
    await scheduler.ensure(planned("one"))
    await scheduler.ensure(planned("two"))
    await scheduler.delete("one")
    assert [s.name for s in await scheduler.list()] == ["two"]
    assert await scheduler.ensure(planned("one")) is EnsureOutcome.CREATED


async def test_deleting_an_unknown_schedule_is_not_found(scheduler: Scheduler) -> None:
    await scheduler.ensure(planned("one"))
    with pytest.raises(NotFound):
        await scheduler.delete("two")
    await scheduler.delete("one")
    with pytest.raises(NotFound):
        await scheduler.delete("one")
    assert list(await scheduler.list()) == []


async def test_a_survey_reads_the_window_in_firing_order_without_the_skipped(
    scheduler: Scheduler,
) -> None:
    before = planned("a_before", FIRE - timedelta(minutes=1))
    first = planned("b_first", FIRE)
    skipped = planned("c_skipped", FIRE + timedelta(minutes=5))
    same_time = planned("a_same_time", FIRE + timedelta(minutes=10))
    at_the_end = planned("d_at_the_end", FIRE + timedelta(hours=1))
    for schedule in (at_the_end, same_time, skipped, first, before):
        await scheduler.ensure(schedule)

    survey = await scheduler.survey(
        FIRE, FIRE + timedelta(hours=1), skip=lambda name: name == "c_skipped"
    )

    assert list(survey.pending) == [first, same_time]
    # The names are a hint: every one it gives is a pending schedule's, and the window's are in.
    assert {"b_first", "a_same_time", "c_skipped"} <= survey.names
    assert survey.names <= {s.name for s in (before, first, skipped, same_time, at_the_end)}


async def test_a_survey_of_an_empty_scheduler_finds_nothing(scheduler: Scheduler) -> None:
    survey = await scheduler.survey(FIRE, FIRE + timedelta(days=1), skip=lambda _: False)
    assert survey.pending == ()
    assert survey.names == frozenset()


@pytest.mark.parametrize("exists", [True, False, None])
async def test_a_wrong_hint_changes_no_answer(scheduler: Scheduler, exists: bool | None) -> None:
    schedule = planned()
    assert await scheduler.ensure(schedule, exists=exists) is EnsureOutcome.CREATED
    assert await scheduler.ensure(schedule, exists=exists) is EnsureOutcome.UNCHANGED
    moved = planned(fire_at=FIRE + timedelta(minutes=30))
    assert await scheduler.ensure(moved, exists=exists) is EnsureOutcome.UPDATED
    assert list(await scheduler.list()) == [moved]
