"""Public reads: tournaments, their rounds, a round's matches, the tables, the knockout bracket.
Cached, with ETags.

These answer with the read path's queries (`entrypoints.api.queries`), which the console's pages
call too: a query needs no use case (cosmicpython's "views").
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from entrypoints.api import inputs
from entrypoints.api.caching import ALL_TOURNAMENTS, CachedReads
from entrypoints.api.operations import Endpoint, Operation, Reply, replies
from entrypoints.api.queries import Queries
from entrypoints.api.schemas.knockout import KnockoutOut
from entrypoints.api.schemas.matches import RoundMatches
from entrypoints.api.schemas.standings import StandingsOut
from entrypoints.api.schemas.tournaments import RoundList, TournamentList, TournamentOut

_TOURNAMENT = ("tournament", "The tournament's id, e.g. `premier-league-2025-26`.")
_ROUND = ("round", "The round's slug within the tournament, e.g. `matchday-12`.")
_NOT_MODIFIED = (304, "Not modified: the ETag in If-None-Match still holds.")
_BAD_PATH = (422, "A path parameter is not a valid slug.")
_STORAGE_DOWN = (503, "The database is unavailable.")


def operations(queries: Queries, reads: CachedReads, prefix: str) -> list[Operation]:
    async def list_tournaments(request: Request) -> Response:
        return await reads.answer(request, ALL_TOURNAMENTS, queries.tournaments)

    async def get_tournament(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        return await reads.answer(request, tournament_id, lambda: queries.tournament(tournament_id))

    async def list_rounds(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        return await reads.answer(request, tournament_id, lambda: queries.rounds(tournament_id))

    async def round_matches(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        round_slug = inputs.slug(request, "round")
        return await reads.answer(
            request, tournament_id, lambda: queries.round_matches(tournament_id, round_slug)
        )

    async def standings(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        return await reads.answer(request, tournament_id, lambda: queries.standings(tournament_id))

    async def bracket(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        return await reads.answer(request, tournament_id, lambda: queries.knockout(tournament_id))

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
