"""Admins' overrides of a match (`bestshot_domain.overrides`) and the match's history, which
anyone reads (docs: README, Overrides)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.overrides import OverrideOutcome
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_routes import DATA_PROVIDER
from entrypoints.api import inputs
from entrypoints.api.caching import ReadCache
from entrypoints.api.operations import Operation, Reply, Security, replies
from entrypoints.api.schemas.common import TEAM_KEY_MAX_LENGTH, TEAM_KEY_PATTERN, ApiModel
from entrypoints.api.schemas.matches import match_out
from entrypoints.api.schemas.overrides import (
    HistoryQuery,
    MatchHistory,
    OverriddenOut,
    OverrideIn,
    change_out,
)
from entrypoints.match_history import history_page
from entrypoints.use_cases import OverrideRequest, UseCases

_PATH = "/tournaments/{tournament}/matches/{round}/{match}"
_PARAMS = (
    ("tournament", "The tournament's id."),
    ("round", "The round's slug within the tournament."),
    ("match", "The match's key, as the round's matches show it: `espn:704512`."),
)
_MATCH_PATTERN = {"match": (TEAM_KEY_PATTERN, TEAM_KEY_MAX_LENGTH)}
_NOT_FOUND = (404, "No such tournament or round, or no such match in that round.")
_UNAUTHENTICATED = (401, "No credentials, or a token that proves nothing.")
_FORBIDDEN = (403, "The credentials are not accepted for this operation.")
_STORAGE_DOWN = (503, "The database is unavailable.")


def _json(model: ApiModel) -> Response:
    return Response(
        model.model_dump_json(by_alias=True),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _subject(request: Request) -> str:
    # Who did it, for the record: the admin token's subject (a token without one is recorded
    # as "admin", never left anonymous in the history).
    subject = getattr(request.state, "claims", {}).get("sub")
    return subject.strip() if isinstance(subject, str) and subject.strip() else "admin"


def operations(
    use_cases: UseCases, uow_factory: UnitOfWorkFactory, cache: ReadCache, prefix: str
) -> list[Operation]:
    def where(request: Request) -> tuple[str, str, str]:
        return (
            inputs.slug(request, "tournament"),
            inputs.slug(request, "round"),
            inputs.match_key(request, "match"),
        )

    async def answer(outcome: OverrideOutcome) -> Response:
        match = outcome.match
        if outcome.changed:
            cache.invalidate(match.tournament_id)
        async with uow_factory() as uow:
            teams = await uow.teams.get_many([match.home, match.away])
        return _json(
            OverriddenOut(
                tournament=match.tournament_id,
                round=match.round_slug,
                changed=outcome.changed,
                match=match_out(match, teams, outcome.override),
            )
        )

    async def set_override(request: Request) -> Response:
        tournament_id, round_slug, key = where(request)
        body = await inputs.body(request, OverrideIn)
        outcome = await use_cases.set_override(
            OverrideRequest(
                tournament_id,
                round_slug,
                key,
                body.status,
                None if body.score is None else body.score.score(),
                body.ended,
                None if body.shootout is None else body.shootout.score(),
                body.reason,
                _subject(request),
            )
        )
        return await answer(outcome)

    async def release_override(request: Request) -> Response:
        tournament_id, round_slug, key = where(request)
        outcome = await use_cases.release_override(
            tournament_id, round_slug, key, _subject(request)
        )
        return await answer(outcome)

    async def history(request: Request) -> Response:
        tournament_id, round_slug, key = where(request)
        query = inputs.query(request, HistoryQuery)
        match, page, next_before = await history_page(
            uow_factory, tournament_id, round_slug, key, before=query.before, limit=query.limit
        )
        body = MatchHistory(
            tournament=tournament_id,
            round=round_slug,
            match=key,
            changes=[change_out(match, recorded) for recorded in page],
            next_before=next_before,
        )
        return _json(body)

    admin_path = DATA_PROVIDER + _PATH
    return [
        Operation(
            "PUT",
            admin_path,
            set_override,
            operation_id="setMatchOverride",
            summary="Set a match's state by hand",
            description="Sets the match's status and score (and how it ended, its shoot-out) "
            "with a reason, recorded in its history with the admin's subject. While the "
            "override stands, provider answers never change the match: they are recorded "
            "beside it (`override.providerSays`, and `observation` entries in the history). "
            "The tables are recomputed in the same transaction. Sending the same override "
            "again changes nothing (`changed: false`).",
            tag="data provider",
            security=Security.ADMIN,
            body=OverrideIn,
            path_params=_PARAMS,
            path_patterns=_MATCH_PATTERN,
            replies=replies(
                (200, Reply("The match with its override.", OverriddenOut)),
                (400, "The body is not valid JSON."),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                _NOT_FOUND,
                (409, "A concurrent write got there first; try again."),
                (413, "The body is too large."),
                (415, "The body is not JSON."),
                (
                    422,
                    "A parameter or field is invalid, or the state is one no match can be in "
                    "(a finished match without a score ...); `errors` or `detail` says which.",
                ),
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "DELETE",
            admin_path,
            release_override,
            operation_id="releaseMatchOverride",
            summary="Release a match's override",
            description="The provider's next answer applies again, under the usual rules; the "
            "match keeps the overridden state until then. Recorded in the history. Releasing "
            "a match with no override changes nothing (`changed: false`).",
            tag="data provider",
            security=Security.ADMIN,
            path_params=_PARAMS,
            path_patterns=_MATCH_PATTERN,
            replies=replies(
                (200, Reply("The match, with no override.", OverriddenOut)),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                _NOT_FOUND,
                (409, "A concurrent write got there first; try again."),
                (422, "A path parameter is invalid."),
                _STORAGE_DOWN,
            ),
        ),
        Operation(
            "GET",
            prefix + _PATH + "/history",
            history,
            operation_id="getMatchHistory",
            summary="Every change of a match, newest first",
            description="What each change did (before, after), its kind, who said so (the "
            "provider, or the admin's subject), why and when; a page at a time: pass "
            "`nextBefore` as `before` for the older ones.",
            tag="reads",
            query=HistoryQuery,
            path_params=_PARAMS,
            path_patterns=_MATCH_PATTERN,
            replies=replies(
                (200, Reply("A page of the match's history.", MatchHistory)),
                _NOT_FOUND,
                (422, "A path or query parameter is invalid."),
                _STORAGE_DOWN,
            ),
        ),
    ]
