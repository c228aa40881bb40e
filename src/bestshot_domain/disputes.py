"""What admins do about verification: read and close disputes, keep a tournament's alias
table. `close_match_dispute` closes a match's open dispute inside a caller's unit of work (an
override of the match's result resolves its dispute too). README, "Fallback provider and
verified finals".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from bestshot_domain.emitting import dispute_events
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import MatchKey, TournamentId
from bestshot_domain.pairing import ALIAS_LENGTH_MAX, ALIASES_MAX, normalize
from bestshot_domain.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bestshot_domain.verdicts import close
from bestshot_domain.verification import ClosedBy, Dispute

log = logging.getLogger("bestshot.verification")

REASON_MAX = 500


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("closing a dispute needs its reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"a reason is at most {REASON_MAX} characters")
    return reason


async def close_match_dispute(
    uow: UnitOfWork, tournament_id: TournamentId, match: MatchKey, reason: str, *, at: datetime
) -> Dispute | None:
    """Close the match's open dispute (by an admin) in `uow`, with its `dispute.closed` event;
    the closed dispute, or None when it had none open. The caller holds the tournament's lock
    and commits."""
    reason = _reason(reason)
    for dispute in await uow.verification.disputes(tournament_id, open_only=True):
        if dispute.match == match:
            closed = close(dispute, ClosedBy.ADMIN, reason, at)
            await uow.verification.save_disputes([closed])
            await uow.outbox.append(dispute_events([closed], at))
            return closed
    return None


async def close_dispute(
    tournament_id: TournamentId,
    dispute_id: str,
    reason: str,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
) -> Dispute:
    """Close a dispute by an admin, with the reason; closing a closed one changes nothing and
    answers it as it is. NotFound for an unknown tournament or dispute; InvalidInput for an
    empty reason. The match keeps its state: an override (or the providers) changes it."""
    reason = _reason(reason)
    at = clock.now()
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament_id)
        dispute = await uow.verification.dispute(tournament_id, dispute_id)
        if not dispute.is_open:
            return dispute
        closed = await close_match_dispute(uow, tournament_id, dispute.match, reason, at=at)
        await uow.commit()
    log.info("dispute.closed %s %s by an admin", dispute_id, dispute.match)
    return closed or dispute


async def list_disputes(
    tournament_id: TournamentId, *, uow_factory: UnitOfWorkFactory, open_only: bool = False
) -> Sequence[Dispute]:
    """The tournament's disputes, newest first; NotFound for an unknown tournament."""
    async with uow_factory() as uow:
        await uow.tournaments.get(tournament_id)
        return await uow.verification.disputes(tournament_id, open_only=open_only)


async def aliases(tournament_id: TournamentId, *, uow_factory: UnitOfWorkFactory) -> dict[str, str]:
    """The tournament's alias table; NotFound for an unknown tournament."""
    async with uow_factory() as uow:
        await uow.tournaments.get(tournament_id)
        return dict(await uow.verification.aliases(tournament_id))


def check_aliases(table: Mapping[str, str]) -> dict[str, str]:
    """`table` with its names stripped, or InvalidInput: too many, a blank or long name, two
    aliases that normalize alike, or an alias that means itself."""
    if len(table) > ALIASES_MAX:
        raise InvalidInput(f"an alias table has at most {ALIASES_MAX} names")
    checked: dict[str, str] = {}
    seen: dict[str, str] = {}
    for raw_alias, raw_target in table.items():
        alias, target = raw_alias.strip(), raw_target.strip()
        for name in (alias, target):
            if not name or len(name) > ALIAS_LENGTH_MAX or not normalize(name):
                raise InvalidInput(f"alias names are 1 to {ALIAS_LENGTH_MAX} characters: {name!r}")
        if normalize(alias) == normalize(target):
            raise InvalidInput(f"{alias!r} already reads as {target!r}: no alias needed")
        if normalize(alias) in seen:
            raise InvalidInput(f"{alias!r} and {seen[normalize(alias)]!r} read alike")
        seen[normalize(alias)] = alias
        checked[alias] = target
    return checked


async def set_aliases(
    tournament_id: TournamentId, table: Mapping[str, str], *, uow_factory: UnitOfWorkFactory
) -> dict[str, str]:
    """Make `table` the tournament's alias table (`check_aliases`); NotFound for an unknown
    tournament. The next fallback read pairs with it."""
    checked = check_aliases(table)
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament_id)
        await uow.verification.set_aliases(tournament_id, checked)
        await uow.commit()
    return checked
