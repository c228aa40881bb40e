"""Stored worlds the contract tests start from, written through the ports themselves."""

from __future__ import annotations

from collections.abc import Sequence

from bestshot_domain.model import Match, Round, Team, Tournament
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import round_, team, tournament

TEAMS = ("a", "b", "c", "d")


async def seed(
    factory: UnitOfWorkFactory,
    *,
    tournaments: Sequence[Tournament] = (),
    teams: Sequence[Team] = (),
    rounds: Sequence[Round] = (),
    matches: Sequence[Match] = (),
) -> None:
    async with factory() as uow:
        for item in tournaments:
            await uow.tournaments.save(item)
        if teams:
            await uow.teams.save_many(teams)
        if rounds:
            await uow.rounds.save_many(rounds)
        if matches:
            await uow.matches.save_many(matches)
        await uow.commit()


async def seed_league(
    factory: UnitOfWorkFactory,
    tournament_id: str = "liga-test",
    *,
    rounds: Sequence[str] = ("matchday-1",),
    matches: Sequence[Match] = (),
) -> None:
    """A tournament with teams a-d and the given rounds (and matches)."""
    await seed(
        factory,
        tournaments=[tournament(tournament_id)],
        teams=[team(key) for key in TEAMS],
        rounds=[
            round_(slug, tournament_id=tournament_id, order=order)
            for order, slug in enumerate(rounds, start=1)
        ],
        matches=matches,
    )
