"""A match's history as the API and `bestshot matches history` read it: a page of changes,
newest first, of a match named by its tournament, round and key (README, Overrides)."""

from __future__ import annotations

from collections.abc import Sequence

from bestshot_domain.errors import NotFound
from bestshot_domain.model import Match, MatchKey, RecordedChange, TournamentId
from bestshot_domain.ports import UnitOfWorkFactory


async def history_page(
    uow_factory: UnitOfWorkFactory,
    tournament_id: TournamentId,
    round_slug: str,
    key: MatchKey,
    *,
    before: int | None,
    limit: int,
) -> tuple[Match, Sequence[RecordedChange], int | None]:
    """The match, at most `limit` of its changes with ids below `before` (newest first), and the
    `before` of the next page (None: this is the last). NotFound for an unknown tournament,
    round or match of that round."""
    async with uow_factory() as uow:
        await uow.tournaments.get(tournament_id)
        await uow.rounds.get(tournament_id, round_slug)
        match = (await uow.matches.get_many([key])).get(key)
        if match is None or (match.tournament_id, match.round_slug) != (tournament_id, round_slug):
            raise NotFound(f"no match {key!r} in round {round_slug!r} of {tournament_id!r}")
        # One more than a page: whether an older page exists, without a count.
        found = await uow.changes.history(key, before=before, limit=limit + 1)
    page = found[:limit]
    return match, page, page[-1].id if len(found) > limit else None
