"""The VerificationRepository contract: alias tables, pending finals, disputes; and a
tournament's fallback and verify mode, kept by the TournamentRepository."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from bestshot_domain.errors import Conflict, NotFound
from bestshot_domain.model import Fallback, MatchStatus, Score, VerifyMode
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.verdicts import close
from bestshot_domain.verification import (
    Answer,
    ClosedBy,
    Dispute,
    DisputeKind,
    PendingFinal,
    dispute_id,
)
from tests.builders import T0, match, tournament
from tests.contracts.seed import seed, seed_league

FINISHED = Answer("espn", MatchStatus.FINISHED, Score(2, 1))
OTHER = Answer("football_data", MatchStatus.FINISHED, Score(1, 1))
PENALTIES = Answer("espn", MatchStatus.FINISHED, Score(1, 1), Score(4, 3))


def dispute(key: str = "scripted:m1", minutes: int = 0) -> Dispute:
    at = T0 + timedelta(minutes=minutes)
    return Dispute(
        dispute_id("liga-test", key, at),
        "liga-test",
        "matchday-1",
        key,
        DisputeKind.DISAGREEMENT,
        (FINISHED, PENALTIES),
        at,
    )


@pytest.fixture
async def league(uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    await seed_league(uow_factory, matches=[match("m1"), match("m2", home="c", away="d")])
    return uow_factory


async def test_a_fallback_and_a_verify_mode_are_kept_with_the_tournament(
    uow_factory: UnitOfWorkFactory,
) -> None:
    checked = evolve(
        tournament(), fallback=Fallback("football_data", "MLS/2022"), verify=VerifyMode.AGREE
    )
    await seed(uow_factory, tournaments=[tournament("plain"), checked])
    async with uow_factory() as uow:
        assert await uow.tournaments.get("liga-test") == checked
        plain = await uow.tournaments.get("plain")
        assert (plain.fallback, plain.verify) == (None, VerifyMode.NONE)
        await uow.tournaments.save(evolve(checked, fallback=None, verify=VerifyMode.SETTLE))
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.tournaments.get("liga-test")
    assert (again.fallback, again.verify) == (None, VerifyMode.SETTLE)


async def test_an_alias_table_is_replaced_whole(league: UnitOfWorkFactory) -> None:
    async with league() as uow:
        assert await uow.verification.aliases("liga-test") == {}
        await uow.verification.set_aliases(
            "liga-test", {"Man Utd": "Manchester United", "Spurs": "Tottenham"}
        )
        await uow.commit()
    async with league() as uow:
        assert await uow.verification.aliases("liga-test") == {
            "Man Utd": "Manchester United",
            "Spurs": "Tottenham",
        }
        await uow.verification.set_aliases("liga-test", {"Wolves": "Wolverhampton"})
        await uow.commit()
    async with league() as uow:
        assert await uow.verification.aliases("liga-test") == {"Wolves": "Wolverhampton"}
        with pytest.raises(NotFound):
            await uow.verification.set_aliases("no-such", {"a": "b"})


async def test_pending_finals_are_saved_replaced_and_cleared(league: UnitOfWorkFactory) -> None:
    first = PendingFinal("liga-test", "scripted:m1", FINISHED, T0)
    async with league() as uow:
        await uow.verification.save_pending(
            [first, PendingFinal("liga-test", "scripted:m2", PENALTIES, T0)]
        )
        await uow.commit()
    replaced = PendingFinal("liga-test", "scripted:m1", OTHER, T0 + timedelta(minutes=3))
    async with league() as uow:
        await uow.verification.save_pending([replaced])
        await uow.verification.clear_pending("liga-test", ["scripted:m2", "scripted:unknown"])
        await uow.commit()
    async with league() as uow:
        assert await uow.verification.pending("liga-test") == {"scripted:m1": replaced}
        assert await uow.verification.pending("other") == {}
        with pytest.raises(NotFound):
            await uow.verification.save_pending(
                [PendingFinal("liga-test", "scripted:nope", FINISHED, T0)]
            )


async def test_pending_finals_roll_back_with_their_unit_of_work(league: UnitOfWorkFactory) -> None:
    async with league() as uow:
        await uow.verification.save_pending(
            [PendingFinal("liga-test", "scripted:m1", FINISHED, T0)]
        )
    async with league() as uow:
        assert await uow.verification.pending("liga-test") == {}


async def test_disputes_read_back_newest_first_and_closed_ones_only_in_the_full_list(
    league: UnitOfWorkFactory,
) -> None:
    older, newer = dispute("scripted:m1"), dispute("scripted:m2", minutes=5)
    async with league() as uow:
        await uow.verification.save_disputes([older, newer])
        await uow.commit()
    closed = close(older, ClosedBy.ADMIN, "checked the match report", T0 + timedelta(hours=1))
    async with league() as uow:
        await uow.verification.save_disputes([closed])
        await uow.commit()
    async with league() as uow:
        assert list(await uow.verification.disputes("liga-test")) == [newer, closed]
        assert list(await uow.verification.disputes("liga-test", open_only=True)) == [newer]
        assert await uow.verification.dispute("liga-test", older.id) == closed
        with pytest.raises(NotFound):
            await uow.verification.dispute("liga-test", "0" * 16)
        with pytest.raises(NotFound):
            await uow.verification.dispute("other", older.id)


async def test_a_match_has_one_open_dispute_at_a_time(league: UnitOfWorkFactory) -> None:
    first = dispute()
    async with league() as uow:
        await uow.verification.save_disputes([first])
        await uow.commit()
    async with league() as uow:
        with pytest.raises(Conflict):
            await uow.verification.save_disputes([dispute(minutes=1)])
    # Closing the first and opening the next in one batch is fine.
    at = T0 + timedelta(minutes=2)
    async with league() as uow:
        await uow.verification.save_disputes(
            [dispute(minutes=2), close(first, ClosedBy.CONVERGED, "agreed", at)]
        )
        await uow.commit()
    async with league() as uow:
        assert [d.id for d in await uow.verification.disputes("liga-test", open_only=True)] == [
            dispute(minutes=2).id
        ]


async def test_a_dispute_of_an_unknown_match_is_not_found(league: UnitOfWorkFactory) -> None:
    async with league() as uow:
        with pytest.raises(NotFound):
            await uow.verification.save_disputes([dispute("scripted:nope")])
