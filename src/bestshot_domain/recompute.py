"""A tournament's tables as of what is stored now: read when still current, else computed and
stored with their events. For the use cases that write what tables are computed from, and for
the standings update."""

from __future__ import annotations

from datetime import datetime

from bestshot_domain.emitting import standings_events
from bestshot_domain.model import StandingsInputs, StandingsSnapshot, StandingsStatus, TournamentId
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
    status, found = await read_tables(uow, tournament_id)
    if isinstance(found, StandingsSnapshot):
        return found, False
    snapshot = tables_of(status, found, at)
    await uow.standings.save(snapshot)
    await uow.outbox.append(standings_events(status.snapshot, snapshot))
    return snapshot, True


async def fresh_tables(
    uow: UnitOfWork, tournament_id: TournamentId, at: datetime
) -> tuple[StandingsSnapshot, bool]:
    """`current_tables` without a lock held while the tables are computed: they are computed
    from one read, then stored (to be committed by the caller) only if nothing they are computed
    from changed since (`StandingsRepository.save_if_current`, which takes the lock). Should
    something have changed, as `current_tables` under the lock. Either way the lock is held
    once anything is stored."""
    status, found = await read_tables(uow, tournament_id)
    if isinstance(found, StandingsSnapshot):
        return found, False
    snapshot = tables_of(status, found, at)
    if not await uow.standings.save_if_current(snapshot, status):
        # A write landed in between (a round update, another standings update): the lock, then
        # what is stored now.
        await uow.tournaments.lock(tournament_id)
        return await current_tables(uow, tournament_id, at)
    await uow.outbox.append(standings_events(status.snapshot, snapshot))
    return snapshot, True


async def read_tables(
    uow: UnitOfWork, tournament_id: TournamentId
) -> tuple[StandingsStatus, StandingsSnapshot | StandingsInputs]:
    """Where the tables stand, with the stored tables when they are current, else with what
    they are computed from (with the revision it is at): one read where the technology allows
    (`StandingsRepository.current`)."""
    status, inputs = await uow.standings.current(tournament_id, engine_fingerprint())
    stored = status.reusable(engine_fingerprint())
    if stored is not None:
        return status, stored
    if inputs is None:  # not for a repository that keeps its contract
        inputs = await uow.standings.inputs(tournament_id)
    return status, inputs


def tables_of(status: StandingsStatus, inputs: StandingsInputs, at: datetime) -> StandingsSnapshot:
    """The tables computed from `inputs` as of `at`, the stored ones (`status`) reused where a
    group's inputs are unchanged (`snapshot_of`)."""
    return snapshot_of(
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
