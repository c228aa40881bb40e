"""Verified finals: the disputes anyone may read, and what admins do about them (close one,
keep the alias table that pairs matches across providers). README, "Fallback provider and
verified finals"."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from bestshot_routes import DATA_PROVIDER
from entrypoints.api import inputs
from entrypoints.api.caching import CachedReads, ReadCache
from entrypoints.api.operations import Operation, Reply, Security, replies
from entrypoints.api.queries import Queries
from entrypoints.api.schemas.problems import FieldError
from entrypoints.api.schemas.verification import (
    DISPUTE_ID_LENGTH,
    DISPUTE_ID_PATTERN,
    AliasesIn,
    AliasesOut,
    DisputeCloseIn,
    DisputeList,
    DisputeOut,
)
from entrypoints.use_cases import UseCases

_TOURNAMENT = ("tournament", "The tournament's id.")
_DISPUTE = ("dispute", "The dispute's id, as the dispute list shows it.")
_UNAUTHENTICATED = (401, "No credentials, or a token that proves nothing.")
_FORBIDDEN = (403, "The credentials are not accepted for this operation.")
_BAD_INPUT = (422, "A parameter or a field of the body is invalid; `errors` names it.")
_STORAGE_DOWN = (503, "The database is unavailable.")
_BODY = (
    (400, "The body is not valid JSON."),
    (413, "The body is too large."),
    (415, "The body is not JSON."),
)
_DISPUTE_ID = re.compile(DISPUTE_ID_PATTERN)


def _json(model: AliasesOut | DisputeOut) -> Response:
    return Response(
        model.model_dump_json(by_alias=True),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _dispute_id(request: Request) -> str:
    value: str = request.path_params["dispute"]
    if not _DISPUTE_ID.fullmatch(value):
        raise inputs.invalid(
            [FieldError(field="path.dispute", message="must be 16 lowercase hex digits")]
        )
    return value


def operations(
    use_cases: UseCases,
    queries: Queries,
    reads: CachedReads,
    cache: ReadCache,
    prefix: str,
) -> list[Operation]:
    aliases_path = f"{DATA_PROVIDER}/tournaments/{{tournament}}/aliases"

    async def list_disputes(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        return await reads.answer(request, tournament_id, lambda: queries.disputes(tournament_id))

    async def close_dispute(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        dispute_id = _dispute_id(request)
        body = await inputs.body(request, DisputeCloseIn)
        closed = await use_cases.close_dispute(tournament_id, dispute_id, body.reason)
        cache.invalidate(tournament_id)
        return _json(DisputeOut.model_validate(closed))

    async def get_aliases(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        table = await use_cases.aliases(tournament_id)
        return _json(AliasesOut(tournament=tournament_id, aliases=table))

    async def set_aliases(request: Request) -> Response:
        tournament_id = inputs.slug(request, "tournament")
        body = await inputs.body(request, AliasesIn)
        table = await use_cases.set_aliases(tournament_id, dict(body.aliases))
        return _json(AliasesOut(tournament=tournament_id, aliases=table))

    return [
        Operation(
            "GET",
            f"{prefix}/tournaments/{{tournament}}/disputes",
            list_disputes,
            operation_id="listDisputes",
            summary="A tournament's disputes, newest first",
            description="Finals the providers disagree on (or a provider changed after they "
            "settled), open and closed. While a dispute is open its match keeps its last "
            "agreed state.",
            tag="reads",
            cached=True,
            path_params=(_TOURNAMENT,),
            replies=replies(
                (200, Reply("The disputes.", DisputeList)),
                (304, "Not modified: the ETag in If-None-Match still holds."),
                (404, "No such tournament."),
                (422, "A path parameter is not a valid slug."),
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "POST",
            f"{DATA_PROVIDER}/tournaments/{{tournament}}/disputes/{{dispute}}/close",
            close_dispute,
            operation_id="closeDispute",
            summary="Close a dispute",
            description="Closes the dispute with a reason (a `dispute.closed` event); the match "
            "keeps its state. Closing a closed dispute changes nothing.",
            tag="data provider",
            security=Security.ADMIN,
            body=DisputeCloseIn,
            path_params=(_TOURNAMENT, _DISPUTE),
            path_patterns={"dispute": (DISPUTE_ID_PATTERN, DISPUTE_ID_LENGTH)},
            replies=replies(
                (200, Reply("The dispute, closed.", DisputeOut)),
                *_BODY,
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament, or no such dispute in it."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "GET",
            aliases_path,
            get_aliases,
            operation_id="getTeamAliases",
            summary="A tournament's team alias table",
            description="The names one provider writes for a team, and the name the other "
            "gives it, used to pair matches with the fallback provider's.",
            tag="data provider",
            security=Security.ADMIN,
            path_params=(_TOURNAMENT,),
            replies=replies(
                (200, Reply("The alias table.", AliasesOut)),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "PUT",
            aliases_path,
            set_aliases,
            operation_id="setTeamAliases",
            summary="Replace a tournament's team alias table",
            description="Makes the body the whole table; the next fallback read pairs with it. "
            "Names are compared normalized, so an alias that already reads as its name, or two "
            "aliases that read alike, are refused.",
            tag="data provider",
            security=Security.ADMIN,
            body=AliasesIn,
            path_params=(_TOURNAMENT,),
            replies=replies(
                (200, Reply("The alias table, as stored.", AliasesOut)),
                *_BODY,
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such tournament."),
                _BAD_INPUT,
                _STORAGE_DOWN,
            ),
        ),
    ]
