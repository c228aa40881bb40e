"""Reads of a tournament's disputes: the JSON list (`GET .../disputes`) and the console's page,
which adds the disputed matches' teams and the rounds' labels. README, "Fallback provider and
verified finals"."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from bestshot_domain.model import Tournament, TournamentId
from bestshot_domain.ports import UnitOfWork
from entrypoints.api.schemas.tournaments import TournamentOut
from entrypoints.api.schemas.verification import DisputeList, DisputeOut


@frozen
class DisputedMatch:
    home: str  # the team's name (its key when the team is unknown)
    away: str


@frozen
class DisputesView:
    tournament: TournamentOut
    disputes: DisputeList
    matches: Mapping[str, DisputedMatch]  # by match key; a match no longer stored is absent
    rounds: Mapping[str, str]  # each round's label, by slug

    @property
    def open(self) -> tuple[DisputeOut, ...]:
        return tuple(d for d in self.disputes.disputes if d.open)

    @property
    def closed(self) -> tuple[DisputeOut, ...]:
        return tuple(d for d in self.disputes.disputes if not d.open)


async def dispute_list(
    uow: UnitOfWork, tournament_id: TournamentId
) -> tuple[Tournament, DisputeList]:
    """The tournament (NotFound when unknown) and its disputes, newest first."""
    tournament = await uow.tournaments.get(tournament_id)
    found = await uow.verification.disputes(tournament_id)
    listed = DisputeList(
        tournament=tournament_id, disputes=[DisputeOut.model_validate(d) for d in found]
    )
    return tournament, listed


async def disputes_view(uow: UnitOfWork, tournament_id: TournamentId) -> DisputesView:
    tournament, listed = await dispute_list(uow, tournament_id)
    keys = sorted({d.match for d in listed.disputes})
    matches = await uow.matches.get_many(keys) if keys else {}
    team_keys = sorted({team for m in matches.values() for team in (m.home, m.away)})
    teams = await uow.teams.get_many(team_keys) if team_keys else {}

    def name(key: str) -> str:
        return teams[key].name if key in teams else key

    rounds = {r.slug: r.label for r in await uow.rounds.list(tournament_id)}
    return DisputesView(
        TournamentOut.model_validate(tournament),
        listed,
        {key: DisputedMatch(name(m.home), name(m.away)) for key, m in matches.items()},
        rounds,
    )
