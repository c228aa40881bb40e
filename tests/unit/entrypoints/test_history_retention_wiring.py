"""The day's plan prunes the history's old observations (HISTORY_OBSERVATION_RETENTION_DAYS),
after the plan, never on a dry run, and a failing prune leaves the plan standing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from adapters.memory import (
    MemoryObservationPruner,
    MemoryScheduler,
    MemoryUnitOfWorkFactory,
    SettableClock,
)
from bestshot_domain.errors import StorageUnavailable
from bestshot_domain.model import ChangeKind, MatchChange
from bestshot_domain.retention import ObservationPruner
from bestshot_domain.scheduling import SchedulingPolicy
from entrypoints.settings import load_settings
from entrypoints.use_cases import UseCases, bind_use_cases
from tests.builders import T0, match, state
from tests.contracts.seed import seed_league

DAY = timedelta(days=1)


def wired(factory: MemoryUnitOfWorkFactory, pruner: ObservationPruner) -> UseCases:
    settings = load_settings({"HISTORY_OBSERVATION_RETENTION_DAYS": "2"})
    return bind_use_cases(
        uow_factory=factory,
        sources={},
        scheduler=MemoryScheduler(),
        clock=SettableClock(T0),
        policy=SchedulingPolicy(),
        pruner=pruner,
        observation_retention=settings.database.observation_retention(),
    )


async def observations(factory: MemoryUnitOfWorkFactory) -> list[datetime]:
    async with factory() as uow:
        return [change.recorded_at for change in await uow.changes.for_match("scripted:m1")]


async def test_the_days_plan_prunes_observations_older_than_the_retention() -> None:
    factory = MemoryUnitOfWorkFactory()
    await seed_league(factory, matches=[match("m1")])
    async with factory() as uow:
        await uow.changes.record_many(
            [
                MatchChange(
                    "scripted:m1",
                    "liga-test",
                    "matchday-1",
                    ChangeKind.OBSERVATION,
                    state(),
                    state(),
                    "the provider says so",
                    T0 - age,
                )
                for age in (10 * DAY, DAY)
            ]
        )
        await uow.commit()
    use_cases = wired(factory, MemoryObservationPruner(factory.store))
    await use_cases.create_daily_schedules(T0.date(), True)  # a dry run changes nothing
    assert await observations(factory) == [T0 - 10 * DAY, T0 - DAY]
    await use_cases.create_daily_schedules(T0.date(), False)
    assert await observations(factory) == [T0 - DAY]


class FailingPruner:
    async def prune_observations(self, before: datetime, *, batch: int = 1000) -> int:
        raise StorageUnavailable("the database went away")


async def test_a_failing_prune_is_logged_and_the_plan_stands(
    caplog: pytest.LogCaptureFixture,
) -> None:
    factory = MemoryUnitOfWorkFactory()
    await seed_league(factory, matches=[match("m1")])
    with caplog.at_level(logging.ERROR, logger="bestshot.retention"):
        results = await wired(factory, FailingPruner()).create_daily_schedules(T0.date(), False)
    assert [result.schedule.name for result in results] == ["liga_test_2026_03_14_17_30"]
    assert "pruning observations failed: the database went away" in caplog.text


def test_observations_are_kept_for_ever_unless_set() -> None:
    assert load_settings({}).database.observation_retention() is None
