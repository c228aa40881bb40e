"""Stored worlds the contract tests start from, written through the ports themselves."""

from __future__ import annotations

from collections.abc import Sequence

from bestshot_domain.model import (
    Match,
    Round,
    StandingsInputs,
    TableMatch,
    Team,
    Tournament,
    TournamentId,
)
from bestshot_domain.ports import UnitOfWork, UnitOfWorkFactory
from bestshot_domain.tables import table_matches
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


async def piece_by_piece(uow: UnitOfWork, tournament_id: TournamentId) -> StandingsInputs:
    """What `StandingsRepository.inputs` must give, read from the repositories one by one."""
    members = tuple(await uow.teams.members(tournament_id))
    rounds = tuple(await uow.rounds.list(tournament_id))
    tournament = await uow.tournaments.get(tournament_id)
    results, knockout = table_matches(
        tournament,
        rounds,
        tuple(map(TableMatch.of, await uow.matches.for_tournament(tournament_id))),
        await uow.discipline.for_tournament(tournament_id),
    )
    return StandingsInputs(
        tournament=tournament,
        members=members,
        teams=await uow.teams.get_many([member.team for member in members]),
        rounds=rounds,
        results=results,
        knockout=knockout,
        adjustments=tuple(await uow.adjustments.for_tournament(tournament_id)),
        revision=(await uow.standings.status(tournament_id)).revision,
    )
