"""Admins' overrides through the use cases, on every unit of work (memory and PostgreSQL):
an override survives provider answers and redeliveries, and a release lets the provider back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import define

from adapters.memory import ScriptedSource, SettableClock
from bestshot_domain import overrides, services
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.events import EventType, MatchOverride
from bestshot_domain.model import ChangeKind, Match, MatchStatus, Score
from bestshot_domain.overrides import OverrideOutcome
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.round_update import RoundUpdate
from tests.builders import T0, league_fixtures, observation, state

LIGA = "liga-test"
ROUND = "matchday-1"
M1 = "matchday-1-t1-t4"
KEY = f"scripted:{M1}"
S = MatchStatus


@define
class Flow:
    uow_factory: UnitOfWorkFactory
    source: ScriptedSource
    clock: SettableClock

    async def update_round(self) -> RoundUpdate:
        return await services.update_round(
            LIGA,
            ROUND,
            uow_factory=self.uow_factory,
            sources={"scripted": self.source},
            clock=self.clock,
        )

    async def override(
        self, score: tuple[int, int], reason: str = "official report", **kwargs: object
    ) -> OverrideOutcome:
        return await overrides.set_override(
            LIGA,
            kwargs.pop("round_slug", ROUND),  # type: ignore[arg-type]
            kwargs.pop("key", KEY),  # type: ignore[arg-type]
            status=kwargs.pop("status", S.FINISHED),  # type: ignore[arg-type]
            score=Score(*score),
            reason=reason,
            by=kwargs.pop("by", "alice"),  # type: ignore[arg-type]
            uow_factory=self.uow_factory,
            clock=self.clock,
        )

    async def release(self) -> OverrideOutcome:
        return await overrides.release_override(
            LIGA, ROUND, KEY, by="bob", uow_factory=self.uow_factory, clock=self.clock
        )

    async def match(self) -> Match:
        async with self.uow_factory() as uow:
            return (await uow.matches.get_many([KEY]))[KEY]

    async def history(self) -> list[tuple[ChangeKind, str, str]]:
        async with self.uow_factory() as uow:
            found = await uow.changes.history(KEY)
        return [(r.change.kind, r.change.source, str(r.change.after.score)) for r in found]

    async def events(self) -> list[EventType]:
        async with self.uow_factory() as uow:
            return [e.type for e in await uow.outbox.after(0, limit=500)]

    async def points(self) -> dict[str, int]:
        async with self.uow_factory() as uow:
            snapshot = await uow.standings.get(LIGA)
        assert snapshot is not None
        return {row.team: row.points for table in snapshot.tables for row in table.rows}


@pytest.fixture
async def flow(uow_factory: UnitOfWorkFactory) -> Flow:
    source = ScriptedSource()
    source.publish("liga", league_fixtures(4))
    clock = SettableClock(T0 + timedelta(hours=3))
    await services.import_tournament(
        "scripted",
        "liga",
        "Liga Test",
        "premier_league",
        uow_factory=uow_factory,
        sources={"scripted": source},
        clock=clock,
    )
    return Flow(uow_factory, source, clock)


async def test_an_override_survives_provider_answers_and_redeliveries(flow: Flow) -> None:
    flow.source.report("liga", observation(M1, score=(1, 1)))
    await flow.update_round()
    events_before = await flow.events()

    flow.clock.advance(timedelta(minutes=5))
    outcome = await flow.override((2, 1))
    assert outcome.changed
    assert (await flow.match()).state.score == Score(2, 1)
    points = await flow.points()
    assert (points["scripted:t1"], points["scripted:t4"]) == (3, 0)
    new_events = (await flow.events())[len(events_before) :]
    assert new_events[0] is EventType.MATCH_CORRECTED
    assert EventType.MATCH_OVERRIDDEN in new_events

    # The same request again: nothing written, no event.
    history, events = await flow.history(), await flow.events()
    assert not (await flow.override((2, 1))).changed
    assert (await flow.history(), await flow.events()) == (history, events)

    # The provider still says 1-1: recorded once beside the override, never applied, however
    # often the round update is delivered.
    for _ in range(3):
        flow.clock.advance(timedelta(minutes=1))
        update = await flow.update_round()
        assert update.overridden == (KEY,)
        assert KEY not in update.corrections
    match = await flow.match()
    assert (match.state.score, match.version) == (Score(2, 1), outcome.match.version)
    assert await flow.history() == [
        (ChangeKind.OBSERVATION, "scripted", "1-1"),
        (ChangeKind.OVERRIDE, "alice", "2-1"),
        (ChangeKind.UPDATED, "", "1-1"),
        (ChangeKind.CREATED, "", "None"),
    ]
    async with flow.uow_factory() as uow:
        stored = await uow.overrides.get(KEY)
    assert stored is not None
    assert stored.provider_says == state(S.FINISHED, (1, 1), kickoff=match.kickoff)
    assert (await flow.events())[len(events) :] == []

    # A late redelivery of an older word changes nothing either.
    flow.source.report("liga", observation(M1, S.LIVE, (0, 0), changed_at=T0))
    await flow.update_round()
    assert (await flow.match()).state.score == Score(2, 1)
    services_tables = await services.update_standings(
        LIGA, uow_factory=flow.uow_factory, clock=flow.clock
    )
    assert services_tables.tables[0].rows[0].team == "scripted:t1"


async def test_a_release_lets_the_providers_next_answer_apply(flow: Flow) -> None:
    flow.source.report("liga", observation(M1, score=(1, 1), changed_at=T0 + timedelta(hours=2)))
    await flow.update_round()
    await flow.override((2, 1))
    await flow.update_round()  # the provider's 1-1, kept beside the override

    released = await flow.release()
    assert released.changed
    assert released.override is None
    assert (await flow.match()).state.score == Score(2, 1)  # until the provider's next answer
    assert not (await flow.release()).changed

    events = await flow.events()
    assert events[-1] is EventType.MATCH_OVERRIDE_RELEASED
    async with flow.uow_factory() as uow:
        (last,) = await uow.outbox.after(len(events) - 1)
    assert isinstance(last.payload, MatchOverride)
    assert last.payload.by == "bob"

    # The same word as before the override (same changed_at): it applies now.
    update = await flow.update_round()
    assert update.corrections == (KEY,)
    assert (await flow.match()).state.score == Score(1, 1)
    assert [kind for kind, _, _ in await flow.history()][:3] == [
        ChangeKind.CORRECTION,
        ChangeKind.RELEASE,
        ChangeKind.OBSERVATION,
    ]
    await services.update_standings(LIGA, uow_factory=flow.uow_factory, clock=flow.clock)
    assert (await flow.points())["scripted:t1"] == 1


async def test_overriding_a_scheduled_match_finishes_it_and_stops_awaiting_it(
    flow: Flow,
) -> None:
    await flow.override((0, 3), reason="awarded by the league")
    events = await flow.events()
    assert events == [
        EventType.MATCH_UPDATED,
        EventType.MATCH_FINISHED,
        EventType.MATCH_OVERRIDDEN,
        EventType.STANDINGS_CHANGED,  # the tables follow the override at once
    ]
    flow.source.report("liga", observation(M1, S.SCHEDULED))
    update = await flow.update_round()
    assert KEY not in update.awaiting
    assert update.overridden == (KEY,)


async def test_a_new_reason_is_recorded_without_moving_the_match(flow: Flow) -> None:
    first = await flow.override((2, 1))
    second = await flow.override((2, 1), reason="confirmed by the referee", by="carol")
    assert second.changed
    assert second.match.version == first.match.version
    assert second.override is not None
    assert second.override.by == "carol"
    kinds = await flow.events()
    assert kinds.count(EventType.MATCH_OVERRIDDEN) == 2
    assert kinds.count(EventType.MATCH_UPDATED) == 1


async def test_bad_overrides_write_nothing(flow: Flow) -> None:
    with pytest.raises(NotFound):
        await flow.override((1, 0), key="scripted:nope")
    with pytest.raises(NotFound):
        await flow.override((1, 0), round_slug="matchday-2")  # M1 is not of that round
    with pytest.raises(NotFound):
        await flow.override((1, 0), round_slug="no-such-round")
    with pytest.raises(InvalidInput, match="reason"):
        await flow.override((1, 0), reason="  ")
    with pytest.raises(InvalidInput, match="no score"):
        await flow.override((1, 0), status=S.POSTPONED)
    assert [kind for kind, _, _ in await flow.history()] == [ChangeKind.CREATED]
    assert await flow.events() == []
