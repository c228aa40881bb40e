"""The verification use cases' edges on the in-memory adapters: what they refuse, and the
paths the loopback flow (tests/integration/sources/test_verified_finals.py) does not take."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from adapters.memory import MemoryUnitOfWorkFactory, ScriptedSource, SettableClock
from bestshot_domain import disputes
from bestshot_domain.errors import InvalidInput, SourceUnavailable
from bestshot_domain.model import Cards, Fallback, MatchStatus, Score, VerifyMode
from bestshot_domain.pairing import ALIASES_MAX
from bestshot_domain.services import import_tournament, update_round
from bestshot_domain.verdicts import close
from bestshot_domain.verification import Answer, ClosedBy, Dispute, DisputeKind
from tests.builders import T0, league_fixtures, observation

MATCH = "matchday-1-t1-t4"


@pytest.fixture
def scripted() -> ScriptedSource:
    source = ScriptedSource()
    source.publish("liga", league_fixtures(4))
    return source


async def _import(scripted: ScriptedSource, uow: MemoryUnitOfWorkFactory, **options: object) -> str:
    summary = await import_tournament(
        "scripted", "liga", "Liga", "premier_league",
        uow_factory=uow, sources={"scripted": scripted}, clock=SettableClock(T0),
        **options,  # type: ignore[arg-type]
    )  # fmt: skip
    return summary.tournament.id


async def test_a_fallback_must_be_a_configured_provider(scripted: ScriptedSource) -> None:
    with pytest.raises(InvalidInput, match="unknown fallback provider 'backup'"):
        await _import(scripted, MemoryUnitOfWorkFactory(), fallback=Fallback("backup", "LIGA"))


async def test_settle_without_a_fallback_fails_as_its_provider_does(
    scripted: ScriptedSource,
) -> None:
    uow = MemoryUnitOfWorkFactory()
    liga = await _import(scripted, uow, verify=VerifyMode.SETTLE)
    scripted.fail(SourceUnavailable("scripted", "HTTP 503"))
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        await update_round(
            liga,
            "matchday-1",
            uow_factory=uow,
            sources={"scripted": scripted},
            clock=SettableClock(T0),
        )


async def test_cards_go_with_a_verified_update(scripted: ScriptedSource) -> None:
    uow = MemoryUnitOfWorkFactory()
    liga = await _import(scripted, uow, verify=VerifyMode.SETTLE)
    live = observation(MATCH, MatchStatus.LIVE, (1, 0), kickoff=T0, home_cards=Cards(yellow=2))
    scripted.report("liga", live)
    clock = SettableClock(T0 + timedelta(minutes=50))
    sources = {"scripted": scripted}
    first = await update_round(liga, "matchday-1", uow_factory=uow, sources=sources, clock=clock)
    assert [record.cards for record in first.discipline] == [Cards(yellow=2)]
    again = await update_round(liga, "matchday-1", uow_factory=uow, sources=sources, clock=clock)
    assert again.discipline == ()  # compared with what is stored


async def test_closing_needs_a_reason_of_a_sensible_length(scripted: ScriptedSource) -> None:
    uow = MemoryUnitOfWorkFactory()
    liga = await _import(scripted, uow)
    for reason in (" ", "x" * (disputes.REASON_MAX + 1)):
        with pytest.raises(InvalidInput):
            await disputes.close_dispute(
                liga, "0" * 16, reason, uow_factory=uow, clock=SettableClock(T0)
            )


async def test_a_match_without_an_open_dispute_has_none_to_close(scripted: ScriptedSource) -> None:
    uow = MemoryUnitOfWorkFactory()
    liga = await _import(scripted, uow)
    async with uow() as unit:
        await unit.tournaments.lock(liga)
        closed = await disputes.close_match_dispute(
            unit, liga, f"scripted:{MATCH}", "overridden", at=T0
        )
    assert closed is None


def test_closing_a_closed_dispute_keeps_it_as_it_was() -> None:
    opened = Dispute(
        "0" * 16, "liga", "matchday-1", "scripted:m1", DisputeKind.DISAGREEMENT, (), T0
    )
    closed = close(opened, ClosedBy.ADMIN, "first", T0 + timedelta(hours=1))
    assert close(closed, ClosedBy.CONVERGED, "second", T0 + timedelta(hours=2)) == closed


def test_an_answer_says_its_shootout() -> None:
    answer = Answer("espn", MatchStatus.FINISHED, Score(1, 1), Score(4, 3))
    assert str(answer) == "espn: finished 1-1 (4-3 on penalties)"
    assert str(evolve(answer, status=MatchStatus.LIVE, shootout=None)) == "espn: live 1-1"


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({f"name {n}": f"other {n}" for n in range(ALIASES_MAX + 1)}, "at most"),
        ({"Man Utd": "Manchester United", "MAN. UTD": "Manchester United"}, "read alike"),
        ({"Chelsea FC": "Chelsea"}, "no alias needed"),
        ({"x" * 101: "y"}, "1 to 100 characters"),
        ({"--": "y"}, "1 to 100 characters"),
    ],
)
def test_an_alias_table_that_cannot_pair_anything_is_refused(
    table: dict[str, str], problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        disputes.check_aliases(table)
