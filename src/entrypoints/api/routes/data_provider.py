"""The data provider: what operators (admin) and the scheduler's caller (internal) ask for."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.model import Fallback, StandingsSnapshot
from bestshot_domain.ports import Clock
from bestshot_routes import DATA_PROVIDER, ROUND_ROUTE, STANDINGS_ROUTE
from entrypoints.api import inputs
from entrypoints.api.caching import ReadCache
from entrypoints.api.operations import Operation, Reply, Security, replies
from entrypoints.api.plans import PlanRuns
from entrypoints.api.routes import planning
from entrypoints.api.schemas.adjustments import AdjustedStandingsOut, AdjustmentIn
from entrypoints.api.schemas.common import TEAM_KEY_MAX_LENGTH, TEAM_KEY_PATTERN
from entrypoints.api.schemas.matches import RoundUpdateOut
from entrypoints.api.schemas.standings import StandingsOut, standings_json
from entrypoints.api.schemas.tournaments import ImportOut, tournament_import_in
from entrypoints.schedule_view import ScheduleView
from entrypoints.use_cases import TournamentImport, UseCases

_TOURNAMENT = ("tournament", "The tournament's id.")
_ROUND = ("round", "The round's slug within the tournament.")
_TEAM = ("team", "The team's key, as the tables show it: `openfootball:japan`, `espn:359`.")
_UNAUTHENTICATED = (401, "No credentials, or a token that proves nothing.")
_FORBIDDEN = (403, "The credentials are not accepted for this operation.")
_BAD_INPUT = (422, "A parameter or a field of the body is invalid; `errors` names it.")
_PROVIDER_DOWN = (502, "The provider is down, refuses us, or sent something unreadable.")
_PROVIDER_SLOW = (504, "The provider did not answer within the fetch's deadline.")
_STORAGE_DOWN = (503, "The database is unavailable.")


# Answers of writes: never to be cached by anything between the caller and us.
_NO_STORE = {"Cache-Control": "no-store"}


def _json(model: BaseModel) -> Response:
    return Response(
        model.model_dump_json(by_alias=True), media_type="application/json", headers=_NO_STORE
    )


def operations(
    use_cases: UseCases,
    clock: Clock,
    cache: ReadCache,
    view: ScheduleView,
    plans: PlanRuns | None = None,
) -> list[Operation]:
    base = DATA_PROVIDER
    import_body = tournament_import_in(use_cases.providers)

    async def update_round(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        round_slug = inputs.slug(request, "round")
        update = await use_cases.update_round(tournament_id, round_slug)
        if update.saved or update.observed or update.disputes_opened or update.disputes_closed:
            cache.invalidate(tournament_id)
        return _json(RoundUpdateOut.model_validate(update))

    # Each tournament's last answer, with the tables it is of: most PATCH standings answer the
    # stored tables unchanged, whose JSON is then not made again (a comparison is cheaper).
    last_tables: dict[str, tuple[StandingsSnapshot, bytes]] = {}

    async def update_standings(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        snapshot = await use_cases.update_standings(tournament_id)
        cache.invalidate(tournament_id)
        last = last_tables.get(tournament_id)
        if last is None or last[0] != snapshot:
            last = last_tables[tournament_id] = (snapshot, standings_json(snapshot))
        return Response(last[1], media_type="application/json", headers=_NO_STORE)

    async def import_tournament(request: Request) -> Response:
        body = await inputs.body(request, import_body)
        summary = await use_cases.import_tournament(
            TournamentImport(
                provider=body.provider,
                reference=body.reference,
                label=body.label,
                rules=body.rules,
                timezone=body.timezone,
                zones=body.zones,
                season=body.season,
                fallback=None
                if body.fallback is None
                else Fallback(body.fallback.provider, body.fallback.reference),
                verify=body.verify,
            )
        )
        if summary.changed:
            cache.invalidate(summary.tournament.id)
        return _json(ImportOut.model_validate(summary))

    async def set_adjustment(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        team = inputs.team_key(request, "team")
        body = await inputs.body(request, AdjustmentIn)
        result = await use_cases.set_point_adjustment(tournament_id, team, body.points, body.reason)
        cache.invalidate(tournament_id)
        return _json(AdjustedStandingsOut.model_validate(result))

    async def remove_adjustment(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        team = inputs.team_key(request, "team")
        result = await use_cases.remove_point_adjustment(tournament_id, team)
        cache.invalidate(tournament_id)
        return _json(AdjustedStandingsOut.model_validate(result))

    adjustment = f"{base}/tournaments/{{tournament}}/adjustments/{{team}}"
    team_path = {"team": (TEAM_KEY_PATTERN, TEAM_KEY_MAX_LENGTH)}
    return [
        *planning.operations(use_cases, clock, view, plans),
        Operation(
            "PATCH",
            ROUND_ROUTE,
            update_round,
            operation_id="updateRound",
            summary="Update a round from its provider",
            description="Fetches the round from the tournament's provider (when it fails, from "
            "its fallback) and writes the changes in one transaction, finals as its verify mode "
            "allows; when every provider asked fails, nothing is written.",
            tag="data provider",
            security=Security.INTERNAL,
            path_params=(_TOURNAMENT, _ROUND),
            replies=replies(
                (200, Reply("What the update did.", RoundUpdateOut)),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament or round."),
                (409, "A concurrent write got there first; try again."),
                _BAD_INPUT,
                _PROVIDER_DOWN,
                _STORAGE_DOWN,
                _PROVIDER_SLOW,
            ),
        ),
        Operation(
            "PATCH",
            STANDINGS_ROUTE,
            update_standings,
            operation_id="updateStandings",
            summary="Bring the tables up to date",
            description="Computes the tournament's tables from the stored results and stores "
            "them, unless nothing they are computed from (results, cards, point adjustments, "
            "teams, groups, rounds, rules, zones) changed since the stored tables were computed: "
            "then those are the answer and nothing is written. `computedAt` is therefore when "
            "the tables were last computed from changed inputs, not when this was asked.",
            tag="data provider",
            security=Security.INTERNAL,
            path_params=(_TOURNAMENT,),
            replies=replies(
                (200, Reply("The tables as now stored, up to date.", StandingsOut)),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "POST",
            f"{base}/tournaments",
            import_tournament,
            operation_id="importTournament",
            summary="Import a tournament from a provider",
            description="Creates or updates the tournament (its id is the label's slug), its "
            "teams, rounds and matches, keyed by the provider's ids. Running it again changes "
            "nothing unless the provider changed.",
            tag="data provider",
            security=Security.ADMIN,
            body=import_body,
            replies=replies(
                (200, Reply("What the import did.", ImportOut)),
                (400, "The body is not valid JSON."),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (409, "The id, the provider's tournament or its matches belong to another import."),
                (413, "The body is too large."),
                (415, "The body is not JSON."),
                _BAD_INPUT,
                _PROVIDER_DOWN,
                _STORAGE_DOWN,
                _PROVIDER_SLOW,
            ),
        ),
        Operation(
            "PUT",
            adjustment,
            set_adjustment,
            operation_id="setPointAdjustment",
            summary="Set a team's point adjustment",
            description="Makes these points (negative: a deduction) the team's one adjustment in "
            "the tournament, replacing any it had, then recomputes and stores the tables in the "
            "same transaction. Setting it again changes nothing.",
            tag="data provider",
            security=Security.ADMIN,
            body=AdjustmentIn,
            path_params=(_TOURNAMENT, _TEAM),
            path_patterns=team_path,
            replies=replies(
                (
                    200,
                    Reply("The tournament's adjustments and its new tables.", AdjustedStandingsOut),
                ),
                (400, "The body is not valid JSON."),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament, or the team does not play in it."),
                (413, "The body is too large."),
                (415, "The body is not JSON."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "DELETE",
            adjustment,
            remove_adjustment,
            operation_id="removePointAdjustment",
            summary="Remove a team's point adjustment",
            description="Removes the team's adjustments in the tournament (none is fine), then "
            "recomputes and stores the tables in the same transaction (with none removed and the "
            "stored tables up to date, those are the answer).",
            tag="data provider",
            security=Security.ADMIN,
            path_params=(_TOURNAMENT, _TEAM),
            path_patterns=team_path,
            replies=replies(
                (
                    200,
                    Reply("The tournament's adjustments and its new tables.", AdjustedStandingsOut),
                ),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament, or the team does not play in it."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
    ]
