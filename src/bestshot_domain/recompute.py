"""A tournament's tables as of what is stored now: read when still current, else computed and
stored with their events. For the use cases that write what tables are computed from."""

from __future__ import annotations

from datetime import datetime

from bestshot_domain.emitting import standings_events
from bestshot_domain.model import StandingsSnapshot, TournamentId
from bestshot_domain.ports import UnitOfWork
from bestshot_domain.tables import engine_fingerprint, snapshot_of


async def current_tables(
    uow: UnitOfWork, tournament_id: TournamentId, at: datetime
) -> tuple[StandingsSnapshot, bool]:
    """The tournament's tables as of what is stored now, and whether they had to be computed
    (and were stored, to be committed by the caller) rather than read. Call it under the
    tournament's lock."""
    # One read of where the tables stand and, unless the stored ones are current, of everything
    # they are computed from, with the revision it is at.
    status, inputs = await uow.standings.current(tournament_id, engine_fingerprint())
    stored = status.reusable(engine_fingerprint())
    if stored is not None:
        return stored, False
    if inputs is None:  # not for a repository that keeps its contract
        inputs = await uow.standings.inputs(tournament_id)
    snapshot = snapshot_of(
        inputs.tournament,
        members=inputs.members,
        teams=inputs.teams,
        rounds=inputs.rounds,
        results=inputs.results,
        legs=inputs.knockout,
        adjustments=inputs.adjustments,
        at=at,
        revision=inputs.revision,
        previous=status.snapshot,
    )
    await uow.standings.save(snapshot)
    await uow.outbox.append(standings_events(status.snapshot, snapshot))
    return snapshot, True
