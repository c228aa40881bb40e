"""Public reads: tournaments, their rounds, a round's matches, the tables, the knockout bracket.
Cached, with ETags.

These read the repositories directly, in a unit of work that is never committed: a query
needs no use case (cosmicpython's "views").
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.ports import UnitOfWorkFactory
from entrypoints.api import inputs
from entrypoints.api.caching import ALL_TOURNAMENTS, CachedReads
from entrypoints.api.operations import Endpoint, Operation, Reply, replies
from entrypoints.api.schemas.knockout import KnockoutOut, bracket_keys, knockout_out
from entrypoints.api.schemas.matches import RoundMatches, match_out
from entrypoints.api.schemas.standings import StandingsOut, standings_out
from entrypoints.api.schemas.tournaments import RoundList, RoundOut, TournamentList, TournamentOut

_TOURNAMENT = ("tournament", "The tournament's id, e.g. `premier-league-2025-26`.")
_ROUND = ("round", "The round's slug within the tournament, e.g. `matchday-12`.")
_NOT_MODIFIED = (304, "Not modified: the ETag in If-None-Match still holds.")
_BAD_PATH = (422, "A path parameter is not a valid slug.")
_STORAGE_DOWN = (503, "The database is unavailable.")


def operations(uow_factory: UnitOfWorkFactory, reads: CachedReads, prefix: str) -> list[Operation]:
    async def list_tournaments(request: Request) -> Response:
        async def build() -> TournamentList:
            async with uow_factory() as uow:
                tournaments = await uow.tournaments.list()
            return TournamentList(
                tournaments=[TournamentOut.model_validate(t) for t in tournaments]
            )

        return await reads.answer(request, ALL_TOURNAMENTS, build)

    async def get_tournament(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")

        async def build() -> TournamentOut:
            async with uow_factory() as uow:
                return TournamentOut.model_validate(await uow.tournaments.get(tournament_id))

        return await reads.answer(request, tournament_id, build)

    async def list_rounds(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")

        async def build() -> RoundList:
            async with uow_factory() as uow:
                await uow.tournaments.get(tournament_id)  # NotFound for an unknown tournament
                rounds = await uow.rounds.list(tournament_id)
            return RoundList(
                tournament=tournament_id, rounds=[RoundOut.model_validate(r) for r in rounds]
            )

        return await reads.answer(request, tournament_id, build)

    async def round_matches(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        round_slug = inputs.slug(request, "round")

        async def build() -> RoundMatches:
            async with uow_factory() as uow:
                await uow.tournaments.get(tournament_id)
                round_ = await uow.rounds.get(tournament_id, round_slug)
                matches = await uow.matches.for_round(tournament_id, round_slug)
                keys = sorted({key for match in matches for key in (match.home, match.away)})
                teams = dict(await uow.teams.get_many(keys))
                overrides = await uow.overrides.for_round(tournament_id, round_slug)
            return RoundMatches(
                tournament=tournament_id,
                round=RoundOut.model_validate(round_),
                matches=[match_out(match, teams, overrides.get(match.key)) for match in matches],
            )

        return await reads.answer(request, tournament_id, build)

    async def standings(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")

        async def build() -> StandingsOut:
            async with uow_factory() as uow:
                tournament = await uow.tournaments.get(tournament_id)
                snapshot = await uow.standings.get(tournament_id)
            return standings_out(tournament, snapshot)

        return await reads.answer(request, tournament_id, build)

    async def bracket(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")

        async def build() -> KnockoutOut:
            async with uow_factory() as uow:
                tournament = await uow.tournaments.get(tournament_id)
                snapshot = await uow.standings.get(tournament_id)
                teams = dict(await uow.teams.get_many(bracket_keys(snapshot)))
            return knockout_out(tournament, snapshot, teams)

        return await reads.answer(request, tournament_id, build)

    def read(
        path: str,
        endpoint: Endpoint,
        operation_id: str,
        summary: str,
        ok: Reply,
        *problems: tuple[int, str],
        params: tuple[tuple[str, str], ...] = (),
    ) -> Operation:
        return Operation(
            "GET",
            prefix + path,
            endpoint,
            operation_id=operation_id,
            summary=summary,
            tag="reads",
            replies=replies((200, ok), _NOT_MODIFIED, *problems, _STORAGE_DOWN),
            cached=True,
            path_params=params,
        )

    return [
        read(
            "/tournaments",
            list_tournaments,
            "listTournaments",
            "Every tournament",
            Reply("The tournaments, by id.", TournamentList),
        ),
        read(
            "/tournaments/{tournament}",
            get_tournament,
            "getTournament",
            "One tournament",
            Reply("The tournament.", TournamentOut),
            (404, "No such tournament."),
            _BAD_PATH,
            params=(_TOURNAMENT,),
        ),
        read(
            "/tournaments/{tournament}/rounds",
            list_rounds,
            "listRounds",
            "A tournament's rounds, in season order",
            Reply("The rounds.", RoundList),
            (404, "No such tournament."),
            _BAD_PATH,
            params=(_TOURNAMENT,),
        ),
        read(
            "/tournaments/{tournament}/matches/{round}",
            round_matches,
            "getRoundMatches",
            "A round's matches, with their scores",
            Reply("The round and its matches, by kickoff.", RoundMatches),
            (404, "No such tournament or round."),
            _BAD_PATH,
            params=(_TOURNAMENT, _ROUND),
        ),
        read(
            "/tournaments/{tournament}/standings",
            standings,
            "getStandings",
            "A tournament's tables, as last computed",
            Reply(
                "The tables, one per group (one for a league); empty before the first computation.",
                StandingsOut,
            ),
            (404, "No such tournament."),
            _BAD_PATH,
            params=(_TOURNAMENT,),
        ),
        read(
            "/tournaments/{tournament}/knockout",
            bracket,
            "getKnockout",
            "A tournament's knockout ties and each team's progress, as last computed",
            Reply(
                "The knockout rounds' ties and each team's furthest round, computed with the "
                "tables; empty before the first computation or without knockout rounds.",
                KnockoutOut,
            ),
            (404, "No such tournament."),
            _BAD_PATH,
            params=(_TOURNAMENT,),
        ),
    ]
