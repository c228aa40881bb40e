"""Reads of tournaments, their rounds, matches, tables, histories and adjustments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import frozen

from bestshot_domain.model import (
    MatchChange,
    PointAdjustment,
    StandingsSnapshot,
    TableMatch,
    Tournament,
    TournamentId,
)
from bestshot_domain.ports import UnitOfWork, UnitOfWorkFactory
from bestshot_domain.positions import PositionSeries, positions_by_round
from bestshot_domain.tables import era_of
from entrypoints.api.queries.disputes import DisputesView, dispute_list, disputes_view
from entrypoints.api.schemas.knockout import KnockoutOut, bracket_keys, knockout_out
from entrypoints.api.schemas.matches import RoundMatches, match_out
from entrypoints.api.schemas.standings import StandingsOut, standings_out
from entrypoints.api.schemas.tournaments import RoundList, RoundOut, TournamentList, TournamentOut
from entrypoints.api.schemas.verification import DisputeList


@frozen
class TournamentLine:
    tournament: TournamentOut
    era: str  # the era of its rules in force in its season
    computed_at: datetime | None  # its tables' last computation; None: never computed


@frozen
class StandingsView:
    tournament: TournamentOut
    standings: StandingsOut
    adjustments: tuple[PointAdjustment, ...]
    knockout: KnockoutOut  # as `knockout` answers it, from the same snapshot


@frozen
class RoundView:
    tournament: TournamentOut
    rounds: RoundList
    matches: RoundMatches
    history: Mapping[str, tuple[MatchChange, ...]]  # by match key, oldest first


@frozen
class PositionsView:
    tournament: TournamentOut
    series: tuple[PositionSeries, ...]


class Queries:
    """The public reads over a unit of work factory; NotFound for what does not exist."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def tournaments(self) -> TournamentList:
        async with self._uow_factory() as uow:
            tournaments = await uow.tournaments.list()
        return TournamentList(tournaments=[TournamentOut.model_validate(t) for t in tournaments])

    async def tournament(self, tournament_id: TournamentId) -> TournamentOut:
        async with self._uow_factory() as uow:
            return TournamentOut.model_validate(await uow.tournaments.get(tournament_id))

    async def rounds(self, tournament_id: TournamentId) -> RoundList:
        async with self._uow_factory() as uow:
            return await _rounds(uow, tournament_id)

    async def round_matches(self, tournament_id: TournamentId, round_slug: str) -> RoundMatches:
        async with self._uow_factory() as uow:
            return await _round_matches(uow, tournament_id, round_slug)

    async def standings(self, tournament_id: TournamentId) -> StandingsOut:
        async with self._uow_factory() as uow:
            _, standings = await _standings(uow, tournament_id)
        return standings

    async def knockout(self, tournament_id: TournamentId) -> KnockoutOut:
        async with self._uow_factory() as uow:
            tournament = await uow.tournaments.get(tournament_id)
            snapshot = await uow.standings.get(tournament_id)
            return await _knockout(uow, tournament, snapshot)

    async def disputes(self, tournament_id: TournamentId) -> DisputeList:
        """The tournament's disputes, open and closed, newest first."""
        async with self._uow_factory() as uow:
            _, listed = await dispute_list(uow, tournament_id)
        return listed

    async def disputes_view(self, tournament_id: TournamentId) -> DisputesView:
        """The disputes as `disputes` answers them, with their matches' teams and rounds."""
        async with self._uow_factory() as uow:
            return await disputes_view(uow, tournament_id)

    async def overview(self) -> tuple[TournamentLine, ...]:
        """Every tournament with its era and when its tables were last computed."""
        async with self._uow_factory() as uow:
            lines = []
            for tournament in await uow.tournaments.list():
                snapshot = await uow.standings.get(tournament.id)
                lines.append(
                    TournamentLine(
                        TournamentOut.model_validate(tournament),
                        era_of(tournament).name,
                        None if snapshot is None else snapshot.computed_at,
                    )
                )
        return tuple(lines)

    async def standings_view(self, tournament_id: TournamentId) -> StandingsView:
        """The tables as `standings` answers them, with the point adjustments behind them and
        the bracket as `knockout` answers it."""
        async with self._uow_factory() as uow:
            tournament = await uow.tournaments.get(tournament_id)
            snapshot = await uow.standings.get(tournament_id)
            adjustments = await uow.adjustments.for_tournament(tournament_id)
            knockout = await _knockout(uow, tournament, snapshot)
        return StandingsView(
            TournamentOut.model_validate(tournament),
            standings_out(tournament, snapshot),
            (*adjustments,),
            knockout,
        )

    async def round_view(self, tournament_id: TournamentId, round_slug: str) -> RoundView:
        """The round as `round_matches` answers it, with the tournament's rounds and each
        match's change history."""
        async with self._uow_factory() as uow:
            matches = await _round_matches(uow, tournament_id, round_slug)
            tournament = await uow.tournaments.get(tournament_id)
            rounds = await _rounds(uow, tournament_id)
            changes = await uow.changes.for_tournament(tournament_id)
        history: defaultdict[str, list[MatchChange]] = defaultdict(list)
        for change in changes:
            if change.round_slug == round_slug:
                history[change.match].append(change)
        return RoundView(
            TournamentOut.model_validate(tournament),
            rounds,
            matches,
            {key: tuple(changes) for key, changes in history.items()},
        )

    async def positions(self, tournament_id: TournamentId) -> PositionsView:
        """Every team's position after each round, from what the tables are computed from."""
        async with self._uow_factory() as uow:
            inputs = await uow.standings.inputs(tournament_id)
            matches = [TableMatch.of(m) for m in await uow.matches.for_tournament(tournament_id)]
            discipline = await uow.discipline.for_tournament(tournament_id)
        series = positions_by_round(inputs, matches, discipline)
        return PositionsView(TournamentOut.model_validate(inputs.tournament), series)


async def _rounds(uow: UnitOfWork, tournament_id: TournamentId) -> RoundList:
    await uow.tournaments.get(tournament_id)  # NotFound for an unknown tournament
    rounds = await uow.rounds.list(tournament_id)
    return RoundList(tournament=tournament_id, rounds=[RoundOut.model_validate(r) for r in rounds])


async def _round_matches(
    uow: UnitOfWork, tournament_id: TournamentId, round_slug: str
) -> RoundMatches:
    await uow.tournaments.get(tournament_id)
    round_ = await uow.rounds.get(tournament_id, round_slug)
    matches = await uow.matches.for_round(tournament_id, round_slug)
    keys: Sequence[str] = sorted({key for match in matches for key in (match.home, match.away)})
    teams = dict(await uow.teams.get_many(keys))
    overrides = await uow.overrides.for_round(tournament_id, round_slug)
    return RoundMatches(
        tournament=tournament_id,
        round=RoundOut.model_validate(round_),
        matches=[match_out(match, teams, overrides.get(match.key)) for match in matches],
    )


async def _knockout(
    uow: UnitOfWork, tournament: Tournament, snapshot: StandingsSnapshot | None
) -> KnockoutOut:
    keys = bracket_keys(snapshot)
    teams = dict(await uow.teams.get_many(keys)) if keys else {}
    return knockout_out(tournament, snapshot, teams)


async def _standings(
    uow: UnitOfWork, tournament_id: TournamentId
) -> tuple[Tournament, StandingsOut]:
    tournament = await uow.tournaments.get(tournament_id)
    snapshot = await uow.standings.get(tournament_id)
    return tournament, standings_out(tournament, snapshot)
