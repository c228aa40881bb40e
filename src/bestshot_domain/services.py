"""The use cases, written only against the ports (keyword arguments: a composition root binds
them once, tests pass in-memory adapters). No transaction stays open while a provider is asked:
read, close, fetch, then write in one short unit of work under the tournament's lock.
"""

from __future__ import annotations

from attrs import evolve, frozen

from bestshot_domain import verified_rounds as verified
from bestshot_domain.emitting import match_events
from bestshot_domain.errors import Conflict, InvalidInput, NotFound
from bestshot_domain.follow_ups import FollowUps, followed_up
from bestshot_domain.importing import ImportSummary, check_fixtures, plan_import
from bestshot_domain.model import (
    Fallback,
    Fixtures,
    PointAdjustment,
    StandingsSnapshot,
    TeamKey,
    Tournament,
    TournamentId,
    VerifyMode,
    make_key,
)

# Planning a day has a module of its own; its use case is one of these.
from bestshot_domain.planning import ScheduleResult as ScheduleResult  # noqa: PLC0414
from bestshot_domain.planning import (
    create_daily_schedules as create_daily_schedules,  # noqa: PLC0414
)
from bestshot_domain.ports import (
    Clock,
    ResultSources,
    UnitOfWork,
    UnitOfWorkFactory,
)
from bestshot_domain.recompute import current_tables, fresh_tables
from bestshot_domain.round_update import RoundUpdate, reconcile
from bestshot_domain.scheduling import zone
from bestshot_domain.standings import parse_zones
from bestshot_domain.tables import import_season
from bestshot_domain.text import slugify
from bestshot_domain.verification import VerifyPolicy


async def update_round(
    tournament_id: TournamentId,
    round_slug: str,
    *,
    uow_factory: UnitOfWorkFactory,
    sources: ResultSources,
    clock: Clock,
    follow_ups: FollowUps | None = None,
    verify: VerifyPolicy = VerifyPolicy(),  # noqa: B008 - frozen
) -> RoundUpdate:
    """Fetch what the tournament's provider says of the round now and write what changed; with
    matches still overdue after it, ensure the round's next follow-up (`follow_ups`).

    NotFound for an unknown tournament or round; the provider's SourceError when it fails
    (nothing written). Matches, change records, cards and events go in one unit of work, re-read
    under the tournament's lock, so a concurrent update of the round records nothing twice.

    Nothing new of the matches as first read (a follow-up of a round under way, mostly): that
    is the answer, with no lock and no second read; as valid an order as any between two
    concurrent updates. (Cards, which only some providers report, are compared under the lock.)
    """
    async with uow_factory() as uow:
        read = await uow.rounds.read(tournament_id, round_slug)
    tournament, round_, known, overrides = read.tournament, read.round, read.matches, read.overrides
    if verified.checks(tournament):  # a fallback, or finals to verify
        ports = verified.Ports(uow_factory, sources, clock, follow_ups, verify)
        return await verified.update_verified_round(tournament, round_, known, ports)
    source = verified.configured_source(sources, tournament.provider)
    observations = await source.round_observations(tournament.reference, round_, known)
    at = clock.now()
    reports_cards = any(o.home_cards is not None or o.away_cards is not None for o in observations)
    if not reports_cards:
        update = reconcile(
            tournament_id, round_slug, known, observations, at=at, overrides=overrides
        )
        if not (update.saved or update.observed):
            return await followed_up(update, tournament, follow_ups)
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament_id)
        matches = await uow.matches.for_round(tournament_id, round_slug)
        overrides = await uow.overrides.for_round(tournament_id, round_slug)
        cards = {}
        if reports_cards:
            # Only sources that report cards (openfootball) cost this read.
            keys = {match.key for match in matches}
            cards = {
                (record.match, record.team): record.cards
                for record in await uow.discipline.for_tournament(tournament_id)
                if record.match in keys
            }
        update = reconcile(
            tournament_id,
            round_slug,
            matches,
            observations,
            at=at,
            discipline=cards,
            overrides=overrides,
        )
        if update.saved or update.discipline or update.observed:
            await uow.matches.save_many(update.saved)
            await uow.changes.record_many(update.changes)
            await uow.discipline.save_many(update.discipline)
            await uow.overrides.save_many(update.observed)
            await uow.outbox.append(match_events(update.saved, update.changes))
            await uow.commit()
    return await followed_up(update, tournament, follow_ups)


async def update_standings(
    tournament_id: TournamentId, *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> StandingsSnapshot:
    """Bring the tournament's stored tables up to date and return them.

    When nothing they are computed from changed since the stored tables were computed (the
    same standings revision, rules and engine: `StandingsStatus.reusable`), those are the
    answer, and nothing is written: their `computed_at` stays when they were computed. Else
    every table is computed again from the stored results and stored. NotFound for an unknown
    tournament.
    """
    async with uow_factory() as uow:
        # Tables still current are the answer as of one statement's read of the revision with
        # them (as valid an order as any between concurrent writes): no transaction, no lock.
        # Else they are computed from that same read, outside any lock, and stored only if
        # nothing changed since (`fresh_tables`).
        snapshot, computed = await fresh_tables(uow, tournament_id, clock.now())
        if computed:
            await uow.commit()
    return snapshot


@frozen
class AdjustedStandings:
    """A tournament's point adjustments after a change, and its tables recomputed with them."""

    adjustments: tuple[PointAdjustment, ...]
    standings: StandingsSnapshot


async def set_point_adjustment(
    tournament_id: TournamentId,
    team: TeamKey,
    points: int,
    reason: str,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
) -> AdjustedStandings:
    """Make `points` (negative: a deduction) the team's one adjustment in the tournament, and
    store the tables recomputed with it, in one unit of work.

    The adjustment replaces whatever the team had (an appeal that cuts a deduction from 10 to
    6 points is a new value, not a second adjustment), so that setting it again changes nothing.
    NotFound for an unknown tournament or a team that does not play in it; InvalidInput for
    zero points (remove the adjustment instead) or an empty reason.
    """
    reason = reason.strip()
    if points == 0:
        raise InvalidInput("an adjustment of 0 points changes nothing: remove it instead")
    if not reason:
        raise InvalidInput("a point adjustment needs its reason")
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament_id)
        await _require_member(uow, tournament_id, team)
        await uow.adjustments.delete_for_team(tournament_id, team)
        await uow.adjustments.save(PointAdjustment(tournament_id, team, points, reason))
        tables, _ = await current_tables(uow, tournament_id, clock.now())
        adjustments = tuple(await uow.adjustments.for_tournament(tournament_id))
        result = AdjustedStandings(adjustments, tables)
        await uow.commit()
    return result


async def remove_point_adjustment(
    tournament_id: TournamentId, team: TeamKey, *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> AdjustedStandings:
    """Remove the team's adjustments in the tournament (none is fine: removing is idempotent)
    and store the tables recomputed without them (with none removed and the tables up to date,
    the stored ones are the answer, as in `update_standings`). NotFound as for
    `set_point_adjustment`."""
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament_id)
        await _require_member(uow, tournament_id, team)
        await uow.adjustments.delete_for_team(tournament_id, team)
        tables, _ = await current_tables(uow, tournament_id, clock.now())
        adjustments = tuple(await uow.adjustments.for_tournament(tournament_id))
        result = AdjustedStandings(adjustments, tables)
        await uow.commit()
    return result


async def _require_member(uow: UnitOfWork, tournament_id: TournamentId, team: TeamKey) -> None:
    if all(member.team != team for member in await uow.teams.members(tournament_id)):
        raise NotFound(f"no team {team!r} plays in tournament {tournament_id!r}")


async def import_tournament(
    provider: str,
    reference: str,
    label: str,
    rules: str,
    *,
    timezone: str = "UTC",
    zones: str = "",
    season: str | None = None,
    fallback: Fallback | None = None,
    verify: VerifyMode = VerifyMode.NONE,
    uow_factory: UnitOfWorkFactory,
    sources: ResultSources,
    clock: Clock,
) -> ImportSummary:
    """Create or update a tournament (id: the label's slug) from its provider's fixtures.

    Teams and matches are keyed by the provider's ids, so that importing again changes only what
    the provider changed. InvalidInput for an unknown provider, rules preset, time zone or zone
    spec, season (the rules' era's; default: the earliest fixture's), fallback or verify mode;
    Conflict when the id or the provider's tournament is already another import's.
    """
    source = sources.get(provider)
    if source is None:
        known = ", ".join(sorted(sources)) or "none"
        raise InvalidInput(f"unknown provider {provider!r} (configured: {known})")
    label = label.strip()
    reference = reference.strip()
    if not reference:
        raise InvalidInput("a tournament needs the provider's reference")
    season = import_season(rules, season, ())
    zone(timezone)
    parse_zones(zones)
    verified.check_verification(provider, fallback, verify, sources)
    tournament = Tournament(slugify(label), label, provider, reference, rules, timezone, zones)
    fixtures = await source.fixtures(reference)
    check_fixtures(fixtures, provider)
    kickoffs = (match.observation.kickoff for match in fixtures.matches)
    season = season or import_season(rules, None, kickoffs)
    tournament = evolve(tournament, season=season, fallback=fallback, verify=verify)
    at = clock.now()
    async with uow_factory() as uow:
        stored = await _lock_existing(uow, tournament)
        if stored != tournament:
            await uow.tournaments.save(tournament)
        await uow.tournaments.lock(tournament.id)
        await _refuse_matches_of_other_tournaments(uow, tournament, fixtures)
        members = await uow.teams.members(tournament.id)
        plan = plan_import(
            tournament,
            fixtures,
            stored_tournament=stored,
            stored_teams=await uow.teams.get_many(
                [make_key(provider, team.external_id) for team in fixtures.teams]
            ),
            stored_members=members,
            stored_rounds=await uow.rounds.list(tournament.id),
            stored_matches=await uow.matches.for_tournament(tournament.id),
            stored_discipline=await uow.discipline.for_tournament(tournament.id),
            at=at,
        )
        if plan.teams:
            await uow.teams.save_many(plan.teams)
        if plan.members is not None:
            await uow.teams.set_members(tournament.id, plan.members)
        if plan.rounds:
            await uow.rounds.save_many(plan.rounds)
        if plan.matches:
            await uow.matches.save_many(plan.matches)
            await uow.changes.record_many(plan.changes)
            await uow.outbox.append(match_events(plan.matches, plan.changes))
        if plan.discipline:
            await uow.discipline.save_many(plan.discipline)
        if plan.summary.changed:
            await uow.commit()
    return plan.summary


async def _lock_existing(uow: UnitOfWork, tournament: Tournament) -> Tournament | None:
    """The stored tournament of that id, locked, or None; Conflict when it is another import.

    The id is claimed before anything is read, even when no tournament has it yet: of two
    imports creating it at once, the second waits and then finds the first one's, instead of
    both finding none and both answering that they created it.
    """
    exists = await uow.tournaments.claim(tournament.id)
    for other in await uow.tournaments.list():
        if (other.provider, other.reference) == (tournament.provider, tournament.reference) and (
            other.id != tournament.id
        ):
            raise Conflict(
                f"{tournament.provider} {tournament.reference!r} is already imported"
                f" as {other.id!r}"
            )
    if not exists:
        return None
    stored = await uow.tournaments.get(tournament.id)
    if (stored.provider, stored.reference) != (tournament.provider, tournament.reference):
        raise Conflict(
            f"tournament {stored.id!r} is imported from {stored.provider} {stored.reference!r}, "
            f"not {tournament.provider} {tournament.reference!r}"
        )
    return stored


async def _refuse_matches_of_other_tournaments(
    uow: UnitOfWork, tournament: Tournament, fixtures: Fixtures
) -> None:
    """Conflict when the provider's matches are already another tournament's: a provider's match
    belongs to one tournament (overlapping date ranges, two demo leagues). Said here, naming the
    tournament, rather than as a version conflict at the write, which reads like a race that a
    retry would win."""
    keys = [make_key(tournament.provider, m.external_id) for m in fixtures.matches]
    stored = await uow.matches.get_many(keys)
    taken = sorted(
        (match.tournament_id, key)
        for key, match in stored.items()
        if match.tournament_id != tournament.id
    )
    if taken:
        owners = sorted({owner for owner, _ in taken})
        raise Conflict(
            f"{len(taken)} of {tournament.provider} {tournament.reference!r}'s matches are "
            f"already in tournament {', '.join(repr(o) for o in owners)} (first: {taken[0][1]})"
        )
