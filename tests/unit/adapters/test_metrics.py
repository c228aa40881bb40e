"""The metrics adapters: the Prometheus registry, and the decorators of the domain's ports that
count what passes through them (in-memory adapters underneath)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from attrs import evolve
from prometheus_client.parser import text_string_to_metric_families

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from adapters.metrics import (
    NO_METRICS,
    FetchOperation,
    FetchOutcome,
    MeasuredScheduler,
    MeasuredSource,
    PrometheusMetrics,
    fetch_outcome,
    measured_unit_of_work,
)
from bestshot_domain import services
from bestshot_domain.errors import (
    InvalidInput,
    NotFound,
    SourceBlocked,
    SourceFormatError,
    SourceTimeout,
    SourceTooLarge,
    SourceUnavailable,
)
from bestshot_domain.model import Fixtures
from bestshot_domain.ports import EnsureOutcome
from bestshot_domain.round_update import RoundUpdate
from tests.builders import T0, league_fixtures, observation, planned, round_


def value(metrics: PrometheusMetrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, FetchOutcome.OK),
        (NotFound("no such league"), FetchOutcome.NOT_FOUND),
        (SourceTimeout("espn", "slow"), FetchOutcome.TIMEOUT),
        (SourceTooLarge("espn", "huge"), FetchOutcome.TOO_LARGE),
        (SourceUnavailable("espn", "503"), FetchOutcome.UNAVAILABLE),
        (SourceBlocked("fbref", "403"), FetchOutcome.BLOCKED),
        (SourceFormatError("espn", "events[0]", "not a list"), FetchOutcome.BAD_PAYLOAD),
        (RuntimeError("a bug"), FetchOutcome.ERROR),
    ],
)
def test_each_failure_of_a_provider_is_counted_under_its_own_outcome(
    error: BaseException | None, outcome: FetchOutcome
) -> None:
    assert fetch_outcome(error) is outcome


def test_the_known_series_start_at_zero_and_the_scrape_is_prometheus_text() -> None:
    metrics = PrometheusMetrics()
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(body.decode())}
    updates = {s.labels["outcome"]: s.value for s in families["bestshot_round_updates"].samples}
    assert updates == {"changed": 0.0, "unchanged": 0.0, "failed": 0.0}
    ensured = {
        (s.labels["kind"], s.labels["outcome"])
        for s in families["bestshot_schedules_ensured"].samples
    }
    assert ("follow_up", "created") in ensured
    assert ("round", "unchanged") in ensured
    assert "process_cpu_seconds" in families  # the process's own figures come along
    assert b"_created" not in body  # no creation-time series doubling every counter


def test_openmetrics_when_the_scraper_asks_for_it() -> None:
    body, content_type = PrometheusMetrics().exposition("application/openmetrics-text")
    assert content_type.startswith("application/openmetrics-text")
    assert body.endswith(b"# EOF\n")


def test_two_services_in_one_process_count_apart() -> None:
    first, second = PrometheusMetrics(), PrometheusMetrics()
    first.standings_computed(2)
    assert value(first, "bestshot_standings_computations_total") == 2
    assert value(second, "bestshot_standings_computations_total") == 0


async def test_a_measured_source_counts_and_times_each_fetch_by_outcome() -> None:
    metrics = PrometheusMetrics()
    inner = ScriptedSource()
    inner.publish("liga", league_fixtures(4))
    source = MeasuredSource(inner, metrics)
    assert source.provider == "scripted"

    await source.fixtures("liga")
    inner.fail(SourceUnavailable("scripted", "503 twice"))
    with pytest.raises(SourceUnavailable):
        await source.round_observations("liga", round_(), [])
    inner.fail(None)
    inner.report("liga", observation("matchday-1-t1-t4", score=(1, 0)))
    matchday = evolve(round_(), reference="1")  # the provider's id of it
    assert len(await source.round_observations("liga", matchday, [])) == 2

    def fetches(operation: str, outcome: str) -> float:
        return value(
            metrics,
            "bestshot_provider_fetches_total",
            provider="scripted",
            operation=operation,
            outcome=outcome,
        )

    assert fetches("fixtures", "ok") == 1
    assert (fetches("round", "unavailable"), fetches("round", "ok")) == (1, 1)
    timed = value(
        metrics,
        "bestshot_provider_fetch_duration_seconds_count",
        provider="scripted",
        operation="round",
    )
    assert timed == 2


async def test_a_fetch_cancelled_by_its_caller_has_no_outcome_to_count() -> None:
    metrics = PrometheusMetrics()
    started = asyncio.Event()

    class Hanging(ScriptedSource):
        async def fixtures(self, reference: str) -> Fixtures:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError("never answered")

    task = asyncio.create_task(MeasuredSource(Hanging(), metrics).fixtures("liga"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    body, _ = metrics.exposition()
    assert b"bestshot_provider_fetches_total{" not in body


async def test_a_measured_scheduler_counts_rounds_and_follow_ups_apart() -> None:
    metrics = PrometheusMetrics()
    scheduler = MeasuredScheduler(MemoryScheduler(), metrics)
    plan = planned("liga_2031_05_17_21_30")
    assert await scheduler.ensure(plan) is EnsureOutcome.CREATED
    assert await scheduler.ensure(plan) is EnsureOutcome.UNCHANGED
    await scheduler.ensure(planned("liga_2031_05_17_21_30_f1"))
    assert [s.name for s in await scheduler.list()] == [
        "liga_2031_05_17_21_30",
        "liga_2031_05_17_21_30_f1",
    ]
    await scheduler.delete("liga_2031_05_17_21_30")

    def ensured(kind: str, outcome: str) -> float:
        return value(metrics, "bestshot_schedules_ensured_total", kind=kind, outcome=outcome)

    assert (ensured("round", "created"), ensured("round", "unchanged")) == (1, 1)
    assert (ensured("follow_up", "created"), ensured("follow_up", "unchanged")) == (1, 0)
    assert value(metrics, "bestshot_schedules_deleted_total") == 1


async def test_tables_count_once_computed_and_committed_not_when_still_current() -> None:
    metrics = PrometheusMetrics()
    uow_factory = measured_unit_of_work(MemoryUnitOfWorkFactory(), metrics)
    clock = SettableClock(T0 - timedelta(days=1))
    source = ScriptedSource()
    source.publish("liga", league_fixtures(4))
    sources = {"scripted": source}
    await services.import_tournament(
        "scripted", "liga", "Liga Test", "premier_league",
        uow_factory=uow_factory, sources=sources, clock=clock,
    )  # fmt: skip

    await services.update_standings("liga-test", uow_factory=uow_factory, clock=clock)
    await services.update_standings("liga-test", uow_factory=uow_factory, clock=clock)
    assert value(metrics, "bestshot_standings_computations_total") == 1

    source.report("liga", observation("matchday-1-t1-t4", score=(2, 1)))
    clock.set(T0 + timedelta(hours=3))
    await services.update_round(
        "liga-test", "matchday-1", uow_factory=uow_factory, sources=sources, clock=clock
    )
    await services.update_standings("liga-test", uow_factory=uow_factory, clock=clock)
    assert value(metrics, "bestshot_standings_computations_total") == 2


async def test_tables_saved_then_rolled_back_are_not_counted() -> None:
    metrics = PrometheusMetrics()
    inner = MemoryUnitOfWorkFactory()
    clock = SettableClock(T0)
    source = ScriptedSource()
    source.publish("liga", league_fixtures(4))
    await services.import_tournament(
        "scripted", "liga", "Liga Test", "premier_league",
        uow_factory=inner, sources={"scripted": source}, clock=clock,
    )  # fmt: skip
    snapshot = await services.update_standings("liga-test", uow_factory=inner, clock=clock)
    uow_factory = measured_unit_of_work(inner, metrics)

    async with uow_factory() as uow:
        await uow.standings.save(snapshot)
        await uow.rollback()
        await uow.commit()  # nothing saved since the rollback
    async with uow_factory() as uow:
        await uow.standings.save(snapshot)  # left without a commit: rolled back

    async def fails_before_the_commit() -> None:
        async with uow_factory() as uow:
            await uow.standings.save(snapshot)
            raise InvalidInput("a failure before the commit")

    with pytest.raises(InvalidInput):
        await fails_before_the_commit()
    assert value(metrics, "bestshot_standings_computations_total") == 0


def test_no_metrics_counts_nothing_and_takes_every_report() -> None:
    NO_METRICS.provider_fetched("espn", FetchOperation.ROUND, FetchOutcome.OK, 0.1)
    NO_METRICS.round_updated(None)
    NO_METRICS.standings_computed(1)
    NO_METRICS.schedule_ensured(planned(), EnsureOutcome.CREATED)
    NO_METRICS.schedule_deleted("liga_2031_05_17_21_30")


def test_disputes_a_round_update_opens_and_closes_are_counted() -> None:
    metrics = PrometheusMetrics()
    assert value(metrics, "bestshot_disputes_total", event="opened") == 0.0
    update = RoundUpdate(
        tournament_id="mls",
        round_slug="day-1",
        observed_at=T0,
        outcomes=(),
        missing=(),
        unknown=(),
        awaiting=(),
        overdue=(),
        saved=(),
        changes=(),
        disputes_opened=("d1", "d2"),
        disputes_closed=("d0",),
    )

    metrics.round_updated(update)

    assert value(metrics, "bestshot_disputes_total", event="opened") == 2.0
    assert value(metrics, "bestshot_disputes_total", event="closed") == 1.0
    assert value(metrics, "bestshot_round_updates_total", outcome="unchanged") == 1.0
