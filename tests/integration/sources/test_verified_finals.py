"""A fallback provider and verified finals, end to end: ESPN (the tournament's provider) and
football-data.org (its fallback) served from loopback, on the in-memory adapters and on
PostgreSQL. The fallback names the teams its own way ("Chicago Fire", "CF Montreal", "NY Red
Bulls"), so that pairing goes through the normalization and, for one team, the alias table."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryScheduler, MemoryUnitOfWorkFactory, SettableClock
from adapters.sources.policy import HttpPolicy, RateLimit
from adapters.sources.providers import ClosableSource, build_source
from bestshot_domain import disputes, overrides
from bestshot_domain.errors import SourceUnavailable
from bestshot_domain.events import DisputeNoted, EventType
from bestshot_domain.follow_ups import FollowUps
from bestshot_domain.model import Fallback, Match, MatchStatus, Score, VerifyMode
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import SchedulingPolicy
from bestshot_domain.services import import_tournament, update_round
from bestshot_domain.verification import ClosedBy, DisputeKind, VerifyPolicy
from entrypoints.use_cases import bind_use_cases
from tests.integration.sources.sources_loopback import LoopbackServer, Reply
from tests.source_configs import on_loopback

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
POLICY = HttpPolicy(
    attempts=2, backoff_initial=0.01, backoff_jitter=0.0, rate_limit=RateLimit(1000, 1.0)
)
ESPN_PATH = "/apis/site/v2/sports/soccer/usa.1/scoreboard"
FD_PATH = "/v4/competitions/MLS/matches"
ROUND = "day-2022-09-17"
# The recorded board: 623597 finished 2-0, 623601 and 623602 live, 623604 scheduled.
LIVE = "espn:623601"  # New England Revolution - CF Montréal, live 0-0
# football-data's view of the same four matches: its ids, names and kickoffs (a few minutes
# off, within the tolerance).
FD_MATCHES = {
    "623597": (9001, "New York City", "NY Red Bulls", "2022-09-17T17:00:00Z"),
    "623601": (9002, "New England Revolution", "CF Montreal", "2022-09-17T23:35:00Z"),
    "623602": (9003, "Chicago Fire", "Charlotte", "2022-09-18T00:00:00Z"),
    "623604": (9004, "Austin", "Nashville", "2022-09-18T01:00:00Z"),
}
BOARD = json.loads(
    (DATA / "espn/scoreboard_usa.1_20220917_live_and_scheduled_excerpt.json").read_text()
)


def espn(**finals: tuple[int, int]) -> Reply:
    """The recorded board, with these matches (by ESPN id) at full time with these scores."""
    board = copy.deepcopy(BOARD)
    for event in board["events"]:
        if event["id"] in finals:
            competition = event["competitions"][0]
            competition["status"]["type"].update(name="STATUS_FULL_TIME", state="post")
            for competitor in competition["competitors"]:
                goals = finals[event["id"]]
                competitor["score"] = str(
                    goals[0] if competitor["homeAway"] == "home" else goals[1]
                )
    return Reply.json(json.dumps(board))


def football_data(**finals: tuple[int, int]) -> Reply:
    """football-data's answer: these matches (by ESPN id) finished, the others as ESPN's board
    first had them (live ones 0-0 and 2-0, the first one finished 2-0)."""
    matches: list[dict[str, Any]] = []
    before: dict[str, tuple[str, tuple[int, int] | None]] = {
        "623597": ("FINISHED", (2, 0)),
        "623601": ("IN_PLAY", (0, 0)),
        "623602": ("IN_PLAY", (2, 0)),
        "623604": ("TIMED", None),
    }
    for espn_id, (fd_id, home, away, kickoff) in FD_MATCHES.items():
        status, goals = before[espn_id]
        if espn_id in finals:
            status, goals = "FINISHED", finals[espn_id]
        matches.append(
            {
                "id": fd_id,
                "utcDate": kickoff,
                "status": status,
                "matchday": 30,
                "stage": "REGULAR_SEASON",
                "homeTeam": {"id": fd_id * 10, "name": home},
                "awayTeam": {"id": fd_id * 10 + 1, "name": away},
                "score": {
                    "duration": "REGULAR",
                    "fullTime": {
                        "home": None if goals is None else goals[0],
                        "away": None if goals is None else goals[1],
                    },
                },
            }
        )
    return Reply.json(json.dumps({"matches": matches}))


DOWN = Reply(503, b"down for maintenance")


class World:
    """The two sources on one loopback server, a store, a manual clock and a scheduler."""

    def __init__(self, server: LoopbackServer, uow_factory: UnitOfWorkFactory) -> None:
        config = on_loopback(
            server.url,
            POLICY,
            {"football_data": {"token": "throwaway"}},  # a loopback server's header
        )
        self.server = server
        self.clock = SettableClock(NOW)
        self.uow = uow_factory
        self.sources: dict[str, ClosableSource] = {
            name: build_source(name, config, clock=self.clock) for name in ("espn", "football_data")
        }
        self.scheduler = MemoryScheduler()
        self.follow_ups = FollowUps(self.scheduler, SchedulingPolicy())
        self.tournament_id = ""

    async def import_(self, verify: VerifyMode) -> None:
        self.server.script(ESPN_PATH, Reply.json(json.dumps(BOARD)))
        summary = await import_tournament(
            "espn",
            "usa.1:20220917",
            "MLS checked",
            "mls",
            fallback=Fallback("football_data", "MLS/2022"),
            verify=verify,
            uow_factory=self.uow,
            sources=self.sources,
            clock=self.clock,
        )
        self.tournament_id = summary.tournament.id
        await disputes.set_aliases(
            self.tournament_id, {"NY Red Bulls": "New York Red Bulls"}, uow_factory=self.uow
        )

    async def update(self, *, primary: Reply, fallback: Reply) -> RoundUpdate:
        self.server.script(ESPN_PATH, primary)
        self.server.script(FD_PATH, fallback)
        return await update_round(
            self.tournament_id,
            ROUND,
            uow_factory=self.uow,
            sources=self.sources,
            clock=self.clock,
            follow_ups=self.follow_ups,
            verify=VerifyPolicy(settle_window=timedelta(minutes=10)),
        )

    async def match(self, key: str) -> Match:
        async with self.uow() as uow:
            return (await uow.matches.get_many([key]))[key]

    async def history(self, key: str) -> list[str]:
        async with self.uow() as uow:
            return [change.reason for change in await uow.changes.for_match(key)]

    async def events(self) -> list[tuple[EventType, object]]:
        async with self.uow() as uow:
            return [(e.type, e.payload) for e in await uow.outbox.after(0, limit=1000)]


@pytest.fixture(params=["memory", pytest.param("postgres")])
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    if request.param == "memory":
        return MemoryUnitOfWorkFactory()
    factory: UnitOfWorkFactory = request.getfixturevalue("postgres_uow_factory")
    return factory


@pytest.fixture
async def world(server: LoopbackServer, uow_factory: UnitOfWorkFactory) -> AsyncIterator[World]:
    made = World(server, uow_factory)
    yield made
    for source in made.sources.values():
        await source.aclose()


async def test_primary_down_the_fallback_answers_and_the_history_says_so(world: World) -> None:
    await world.import_(VerifyMode.NONE)
    update = await world.update(
        primary=DOWN, fallback=football_data(**{"623601": (1, 1), "623602": (3, 0)})
    )
    assert update.answered == ("football_data",)
    assert set(update.updated) == {LIVE, "espn:623602"}
    assert update.unpaired == ()  # the alias pairs the Red Bulls' match too
    stored = await world.match(LIVE)
    assert (stored.status, stored.score) == (MatchStatus.FINISHED, Score(1, 1))
    assert (await world.history(LIVE))[-1].endswith("[football_data]")
    async with world.uow() as uow:
        sources = [change.source for change in await uow.changes.for_match(LIVE)]
    assert sources[-1] == "football_data"  # the history's source: who said so
    # The primary is asked first each time: it answers again, and it is what the history says.
    again = await world.update(primary=espn(**{"623601": (1, 1), "623602": (3, 1)}), fallback=DOWN)
    assert again.answered == ("espn",)
    assert again.corrections == ("espn:623602",)
    assert (await world.history("espn:623602"))[-1].endswith("[espn]")


async def test_without_the_alias_a_match_is_unpaired_never_guessed(world: World) -> None:
    await world.import_(VerifyMode.NONE)
    await disputes.set_aliases(world.tournament_id, {}, uow_factory=world.uow)
    update = await world.update(primary=DOWN, fallback=football_data(**{"623597": (3, 0)}))
    assert update.unpaired == ("espn:623597",)
    assert (await world.match("espn:623597")).score == Score(2, 0)  # as imported


async def test_both_down_is_a_provider_failure_and_nothing_is_written(world: World) -> None:
    await world.import_(VerifyMode.NONE)
    before = await world.events()
    with pytest.raises(SourceUnavailable, match="fallback failed too"):
        await world.update(primary=DOWN, fallback=DOWN)
    assert (await world.match(LIVE)).status is MatchStatus.LIVE
    assert await world.history(LIVE) == ["imported: live 0-0"]
    assert await world.events() == before


async def test_agree_disagreeing_opens_one_dispute_and_converging_closes_it(world: World) -> None:
    await world.import_(VerifyMode.AGREE)
    disagreeing = {
        "primary": espn(**{"623601": (1, 0)}),
        "fallback": football_data(**{"623601": (1, 1)}),
    }
    update = await world.update(**disagreeing)
    assert update.answered == ("espn", "football_data")
    assert update.held == (LIVE,)
    [opened] = update.disputes_opened
    stored = await world.match(LIVE)
    assert (stored.status, stored.version) == (MatchStatus.LIVE, 0)  # its last agreed state
    [dispute] = await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)
    assert (dispute.id, dispute.kind, dispute.is_open) == (opened, DisputeKind.DISAGREEMENT, True)
    assert [str(a) for a in dispute.answers] == [
        "espn: finished 1-0",
        "football_data: finished 1-1",
    ]

    redelivered = await world.update(**disagreeing)
    assert (redelivered.disputes_opened, redelivered.held) == ((), (LIVE,))
    assert len(await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)) == 1

    agreeing = {
        "primary": espn(**{"623601": (1, 0)}),
        "fallback": football_data(**{"623601": (1, 0)}),
    }
    converged = await world.update(**agreeing)
    assert converged.disputes_closed == (opened,)
    assert converged.updated == (LIVE,)
    stored = await world.match(LIVE)
    assert (stored.status, stored.score, stored.version) == (MatchStatus.FINISHED, Score(1, 0), 1)
    assert (await world.history(LIVE))[-1].endswith("[espn and football_data agree]")
    [closed] = await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)
    assert (closed.closed_by, closed.is_open) == (ClosedBy.CONVERGED, False)
    assert (await world.update(**agreeing)).saved == ()  # written once
    assert len(await world.history(LIVE)) == 2
    kinds = [kind for kind, payload in await world.events() if isinstance(payload, DisputeNoted)]
    assert kinds == [EventType.DISPUTE_OPENED, EventType.DISPUTE_CLOSED]


async def test_agree_with_the_fallback_down_holds_the_final(world: World) -> None:
    await world.import_(VerifyMode.AGREE)
    update = await world.update(primary=espn(**{"623601": (2, 2)}), fallback=DOWN)
    assert (update.answered, update.held, update.disputes_opened) == (("espn",), (LIVE,), ())
    assert (await world.match(LIVE)).status is MatchStatus.LIVE


async def test_settle_writes_a_final_only_after_the_window(world: World) -> None:
    await world.import_(VerifyMode.SETTLE)
    final = {"primary": espn(**{"623601": (2, 1)}), "fallback": DOWN}
    first = await world.update(**final)
    assert first.held == (LIVE,)
    assert LIVE in first.awaiting
    assert (await world.match(LIVE)).status is MatchStatus.LIVE
    [check] = await world.scheduler.list()  # the look once the final has held long enough
    assert (check.name, check.fire_at) == (first.follow_up, NOW + timedelta(minutes=10))

    world.clock.advance(timedelta(minutes=9))
    assert (await world.update(**final)).held == (LIVE,)
    assert len(await world.scheduler.list()) == 1  # the same check, not another

    world.clock.advance(timedelta(minutes=1))
    settled = await world.update(**final)
    assert (settled.updated, settled.held) == ((LIVE,), ())
    stored = await world.match(LIVE)
    assert (stored.status, stored.score) == (MatchStatus.FINISHED, Score(2, 1))
    assert "settled since 12:00" in (await world.history(LIVE))[-1]

    # The provider changes the settled final: a dispute, and the match keeps it.
    changed = await world.update(primary=espn(**{"623601": (2, 2)}), fallback=DOWN)
    [opened] = changed.disputes_opened
    assert (await world.match(LIVE)).score == Score(2, 1)
    [dispute] = await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)
    assert dispute.kind is DisputeKind.CHANGED_FINAL
    # Back to what had settled: the dispute closes and nothing is written.
    back = await world.update(**final)
    assert (back.disputes_closed, back.saved) == ((opened,), ())


async def test_settle_restarts_the_window_when_the_final_changes(world: World) -> None:
    await world.import_(VerifyMode.SETTLE)
    await world.update(primary=espn(**{"623601": (2, 1)}), fallback=DOWN)
    world.clock.advance(timedelta(minutes=8))
    moved = await world.update(primary=espn(**{"623601": (3, 1)}), fallback=DOWN)
    assert moved.held == (LIVE,)
    world.clock.advance(timedelta(minutes=8))  # 16 minutes after the first, 8 after this one
    assert (await world.update(primary=espn(**{"623601": (3, 1)}), fallback=DOWN)).held == (LIVE,)
    world.clock.advance(timedelta(minutes=2))
    done = await world.update(primary=espn(**{"623601": (3, 1)}), fallback=DOWN)
    assert done.updated == (LIVE,)


async def test_an_admin_closes_a_dispute_with_a_reason(world: World) -> None:
    await world.import_(VerifyMode.AGREE)
    update = await world.update(
        primary=espn(**{"623601": (1, 0)}), fallback=football_data(**{"623601": (0, 1)})
    )
    [opened] = update.disputes_opened
    closed = await disputes.close_dispute(
        world.tournament_id,
        opened,
        "  the match report says 1-0 ",
        uow_factory=world.uow,
        clock=world.clock,
    )
    assert (closed.closed_by, closed.reason, closed.closed_at) == (
        ClosedBy.ADMIN,
        "the match report says 1-0",
        NOW,
    )
    again = await disputes.close_dispute(
        world.tournament_id, opened, "twice", uow_factory=world.uow, clock=world.clock
    )
    assert again == closed  # closing a closed dispute changes nothing
    last_type, last = (await world.events())[-1]
    assert last_type is EventType.DISPUTE_CLOSED
    assert isinstance(last, DisputeNoted)
    assert (last.dispute, last.reason) == (opened, "the match report says 1-0")
    assert (await world.match(LIVE)).status is MatchStatus.LIVE  # an override changes it


async def test_an_override_resolves_the_dispute_and_outlasts_the_providers(world: World) -> None:
    await world.import_(VerifyMode.AGREE)
    disagreeing = {
        "primary": espn(**{"623601": (1, 0)}),
        "fallback": football_data(**{"623601": (0, 1)}),
    }
    [opened] = (await world.update(**disagreeing)).disputes_opened

    outcome = await overrides.set_override(
        world.tournament_id,
        ROUND,
        LIVE,
        status=MatchStatus.FINISHED,
        score=Score(1, 0),
        reason="the match report says 1-0",
        by="admin@example.org",
        uow_factory=world.uow,
        clock=world.clock,
    )

    assert outcome.changed
    [closed] = await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)
    assert (closed.id, closed.closed_by) == (opened, ClosedBy.ADMIN)
    assert closed.reason == "resolved by an override: the match report says 1-0"
    # The providers still disagree (their finals are held, as before); they change nothing and
    # open no dispute.
    for _ in range(2):
        redelivered = await world.update(**disagreeing)
        assert (redelivered.saved, redelivered.disputes_opened) == ((), ())
    stored = await world.match(LIVE)
    assert (stored.status, stored.score) == (MatchStatus.FINISHED, Score(1, 0))
    assert len(await disputes.list_disputes(world.tournament_id, uow_factory=world.uow)) == 1


async def test_one_fetch_budget_covers_the_provider_and_its_fallback(world: World) -> None:
    """The composition's round update asks both providers within one deadline (below the
    caller's wait): a provider that fails fast leaves the rest of it to the fallback, one that
    is slow to the end leaves it none, and the update fails rather than outlasting its caller."""
    await world.import_(VerifyMode.NONE)
    use_cases = bind_use_cases(
        uow_factory=world.uow,
        sources=world.sources,
        scheduler=world.scheduler,
        clock=world.clock,
        policy=SchedulingPolicy(),
        fetch_deadline=1.0,
    )
    world.server.script(ESPN_PATH, DOWN)
    world.server.script(FD_PATH, football_data(**{"623601": (1, 1)}))
    fast = await use_cases.update_round(world.tournament_id, ROUND)
    assert (fast.answered, fast.updated) == (("football_data",), (LIVE,))

    slow = Reply.json(json.dumps(BOARD))
    world.server.script(ESPN_PATH, Reply(slow.status, slow.body, slow.headers, delay=3.0))
    world.server.script(FD_PATH, football_data(**{"623602": (4, 0)}))
    with pytest.raises(SourceUnavailable, match="fallback failed too"):
        await use_cases.update_round(world.tournament_id, ROUND)
    assert (await world.match("espn:623602")).status is MatchStatus.LIVE
