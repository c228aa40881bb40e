"""Admins' overrides: a match's state set by hand, and released. README, "Overrides".

`set_override` and `release_override` are the whole API: the API's admin endpoints call them,
and so can anything else that decides a result by hand (an admin resolving a dispute). Each
writes in one unit of work under the tournament's lock, the same lock round updates take, so a
round update never lands between reading an override and writing past it.
"""

from __future__ import annotations

from attrs import frozen

from bestshot_domain.disputes import REASON_MAX, close_match_dispute
from bestshot_domain.emitting import match_events, override_event
from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.model import (
    Ending,
    Match,
    MatchKey,
    MatchStatus,
    Override,
    Score,
    TournamentId,
)
from bestshot_domain.override_rules import release, requested_state
from bestshot_domain.override_rules import set_override as override_match
from bestshot_domain.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bestshot_domain.recompute import current_tables


@frozen
class OverrideOutcome:
    """The match after the request, its override (None: none stands) and whether anything was
    written (setting the same override twice, or releasing none, writes nothing)."""

    match: Match
    override: Override | None
    changed: bool


async def set_override(
    tournament_id: TournamentId,
    round_slug: str,
    match_key: MatchKey,
    *,
    status: MatchStatus,
    score: Score | None = None,
    ended: Ending | None = None,
    shootout: Score | None = None,
    reason: str,
    by: str,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
) -> OverrideOutcome:
    """Make the match's state `status` with `score` (and how it `ended`, its `shootout`), by
    hand, until `release_override`: provider answers are recorded beside it, never applied.

    The change is recorded (kind `override`, `by` as its source, `reason`), the events a
    provider's change would emit are emitted with `match.overridden`, the tables are
    recomputed and the match's open dispute is closed (by the admin), all in one unit of
    work. NotFound for an unknown tournament, round or match of that round; InvalidInput for
    an empty reason or subject or a state no match can be in.
    """
    reason, by = reason.strip(), by.strip()
    if not reason:
        raise InvalidInput("an override needs its reason")
    if not by:
        raise InvalidInput("an override needs the admin who sets it")
    async with uow_factory() as uow:
        match = await _locked_match(uow, tournament_id, round_slug, match_key)
        state = requested_state(match, status, score, ended, shootout)
        current = await uow.overrides.get(match.key)
        written = override_match(match, current, state, reason, by, at=clock.now())
        if written is None:
            return OverrideOutcome(match, current, changed=False)
        if written.state_changed:
            await uow.matches.save_many([written.match])
        await uow.changes.record_many([written.change])
        await uow.overrides.save_many([written.override])
        events = match_events([written.match], [written.change])
        await uow.outbox.append([*events, override_event(written.match, written.change)])
        if written.state_changed:
            await current_tables(uow, tournament_id, clock.now())
        # The admin's word on the match is the answer to a dispute of it (README, "Disputes").
        resolution = f"resolved by an override: {reason}"[:REASON_MAX]
        await close_match_dispute(uow, tournament_id, match.key, resolution, at=clock.now())
        await uow.commit()
    return OverrideOutcome(written.match, written.override, changed=True)


async def release_override(
    tournament_id: TournamentId,
    round_slug: str,
    match_key: MatchKey,
    *,
    by: str,
    reason: str = "",
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
) -> OverrideOutcome:
    """Release the match's override: its provider's next answer applies again (under the usual
    rules). The release is recorded (kind `release`) and `match.override_released` emitted;
    releasing a match with no override writes nothing. NotFound as for `set_override`."""
    by = by.strip() or "admin"
    async with uow_factory() as uow:
        match = await _locked_match(uow, tournament_id, round_slug, match_key)
        if not await uow.overrides.delete(match.key):
            return OverrideOutcome(match, None, changed=False)
        change = release(match, by, reason.strip(), at=clock.now())
        await uow.changes.record_many([change])
        await uow.outbox.append([override_event(match, change)])
        await uow.commit()
    return OverrideOutcome(match, None, changed=True)


async def _locked_match(
    uow: UnitOfWork, tournament_id: TournamentId, round_slug: str, match_key: MatchKey
) -> Match:
    await uow.tournaments.lock(tournament_id)  # NotFound for an unknown tournament
    await uow.rounds.get(tournament_id, round_slug)
    match = (await uow.matches.get_many([match_key])).get(match_key)
    if match is None or (match.tournament_id, match.round_slug) != (tournament_id, round_slug):
        raise NotFound(f"no match {match_key!r} in round {round_slug!r} of {tournament_id!r}")
    return match
