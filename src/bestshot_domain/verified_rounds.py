"""The round update of a tournament with a fallback provider or a verify mode: ask the primary
(its retries and deadline are its source's), the fallback when the primary failed or `agree`
needs it, pair the fallback's matches with the stored ones, decide (`verdicts`), then write
matches, history, pending finals, disputes and events in one unit of work.

Disputes are logged at ERROR (the Sentry logging integration sends them). README, "Fallback
provider and verified finals".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import evolve, frozen

from bestshot_domain.emitting import dispute_events, match_events
from bestshot_domain.errors import InvalidInput, SourceError, SourceUnavailable
from bestshot_domain.follow_ups import FollowUps, follow_up_name, followed_up
from bestshot_domain.model import (
    Fallback,
    Match,
    Observation,
    Round,
    Tournament,
    VerifyMode,
)
from bestshot_domain.pairing import Fixture, pair
from bestshot_domain.ports import (
    Clock,
    PlannedSchedule,
    ResultSource,
    ResultSources,
    UnitOfWorkFactory,
)
from bestshot_domain.round_update import RoundUpdate, reconcile
from bestshot_domain.scheduling import fire_time, schedule_name
from bestshot_domain.verdicts import Answers, Verified, verify_round
from bestshot_domain.verification import VerifyPolicy

log = logging.getLogger("bestshot.verification")

Said = Mapping[str, Sequence[Observation]]


def configured_source(sources: ResultSources, provider: str) -> ResultSource:
    source = sources.get(provider)
    if source is None:
        # A deployment without that provider configured cannot reach it: the provider is, for
        # this process, unavailable (a 502 at the API, not the caller's fault).
        raise SourceUnavailable(provider, "no source is configured for this provider")
    return source


def check_verification(
    provider: str, fallback: Fallback | None, verify: VerifyMode, sources: ResultSources
) -> None:
    """InvalidInput unless a tournament of `provider` may have this fallback and verify mode."""
    if fallback is not None and (fallback.provider == provider or not fallback.reference.strip()):
        raise InvalidInput("a fallback is another provider, with its own reference")
    if fallback is not None and fallback.provider not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise InvalidInput(f"unknown fallback provider {fallback.provider!r} (configured: {known})")
    if verify is VerifyMode.AGREE and fallback is None:
        raise InvalidInput("verify 'agree' needs a fallback provider to agree with")


def checks(tournament: Tournament) -> bool:
    """Whether the tournament's rounds go through this module rather than the plain update."""
    return tournament.fallback is not None or tournament.verify is not VerifyMode.NONE


@frozen
class Ports:
    """What `update_verified_round` works with, as `services.update_round` was given it."""

    uow_factory: UnitOfWorkFactory
    sources: ResultSources
    clock: Clock
    follow_ups: FollowUps | None
    policy: VerifyPolicy


async def update_verified_round(
    tournament: Tournament, round_: Round, known: Sequence[Match], ports: Ports
) -> RoundUpdate:
    """`services.update_round` for a tournament that `checks`: the same answer, plus who
    answered, what is unpaired or held, and which disputes opened or closed.

    Both providers failing is SourceUnavailable (nothing written); in `agree` mode a fallback
    that fails while the primary answers holds every new final."""
    uow_factory, follow_ups = ports.uow_factory, ports.follow_ups
    answers, unpaired = await _ask(tournament, round_, known, ports)
    at = ports.clock.now()
    async with uow_factory() as uow:
        await uow.tournaments.lock(tournament.id)
        matches = await uow.matches.for_round(tournament.id, round_.slug)
        overrides = await uow.overrides.for_round(tournament.id, round_.slug)
        open_ = await uow.verification.disputes(tournament.id, open_only=True)
        verified = verify_round(
            tournament,
            matches,
            answers,
            disputes={dispute.match: dispute for dispute in open_},
            pending=await uow.verification.pending(tournament.id),
            at=at,
            policy=ports.policy,
        )
        cards = {}
        if any(o.home_cards is not None or o.away_cards is not None for o in verified.observations):
            keys = {match.key for match in matches}
            cards = {
                (record.match, record.team): record.cards
                for record in await uow.discipline.for_tournament(tournament.id)
                if record.match in keys
            }
        # An admin's override is the match's answer: the providers are heard (`observed`), and
        # their disagreement about it is no dispute.
        verified = evolve(
            verified, opened=tuple(d for d in verified.opened if d.match not in overrides)
        )
        reconciled = reconcile(
            tournament.id,
            round_.slug,
            matches,
            verified.observations,
            at=at,
            discipline=cards,
            overrides=overrides,
        )
        update = _summary(reconciled, answers, verified, unpaired)
        disputes = (*verified.opened, *verified.closed)
        if (
            update.saved
            or update.discipline
            or update.observed
            or verified.pending
            or verified.cleared
            or disputes
        ):
            await uow.matches.save_many(update.saved)
            await uow.changes.record_many(update.changes)
            await uow.discipline.save_many(update.discipline)
            await uow.overrides.save_many(update.observed)
            await uow.verification.save_pending(verified.pending)
            await uow.verification.clear_pending(tournament.id, verified.cleared)
            await uow.verification.save_disputes(disputes)
            await uow.outbox.append(
                [*match_events(update.saved, update.changes), *dispute_events(disputes, at)]
            )
            await uow.commit()
    for dispute in verified.opened:
        log.error("dispute.opened %s %s", dispute.id, dispute)
    for dispute in verified.closed:
        log.info("dispute.closed %s %s (%s)", dispute.id, dispute.match, dispute.closed_by)
    update = await followed_up(update, tournament, follow_ups)
    if verified.settle_due is not None and follow_ups is not None:
        update = await _settle_check(update, tournament, verified.settle_due, follow_ups)
    return update


def _summary(
    update: RoundUpdate, answers: Answers, verified: Verified, unpaired: tuple[str, ...]
) -> RoundUpdate:
    changes = tuple(
        evolve(
            change,
            reason=f"{change.reason} [{verified.said[change.match]}]",
            # The history's `source`: the fallback when it alone said so ("" is the provider).
            source=answers.fallback
            if answers.fallback is not None and verified.said[change.match] == answers.fallback
            else change.source,
        )
        if change.match in verified.said
        else change
        for change in update.changes
    )
    answered = [
        name
        for name, said in (
            (answers.primary, answers.from_primary),
            (answers.fallback, answers.from_fallback),
        )
        if name is not None and said is not None
    ]
    return evolve(
        update,
        changes=changes,
        answered=tuple(answered),
        unpaired=unpaired,
        held=verified.held,
        disputes_opened=tuple(d.id for d in verified.opened),
        disputes_closed=tuple(d.id for d in verified.closed),
    )


async def _ask(
    tournament: Tournament, round_: Round, known: Sequence[Match], ports: Ports
) -> tuple[Answers, tuple[str, ...]]:
    fallback = tournament.fallback
    from_primary: Said | None = None
    try:
        source = configured_source(ports.sources, tournament.provider)
        from_primary = _by_id(await source.round_observations(tournament.reference, round_, known))
    except SourceError as error:
        if fallback is None:
            raise
        primary_error: SourceError | None = error
        log.warning(
            "%s failed, reading the fallback %s: %s", tournament.id, fallback.provider, error
        )
    else:
        primary_error = None
    from_fallback: Said | None = None
    unpaired: tuple[str, ...] = ()
    if fallback is not None and (from_primary is None or tournament.verify is VerifyMode.AGREE):
        try:
            from_fallback, unpaired = await _fallback_round(tournament, fallback, known, ports)
        except SourceError as error:
            if primary_error is not None:
                raise SourceUnavailable(
                    tournament.provider,
                    f"{primary_error}; and the fallback failed too: {error}",
                ) from error
            log.warning("%s: the fallback %s failed: %s", tournament.id, fallback.provider, error)
    answers = Answers(
        tournament.provider,
        None if fallback is None else fallback.provider,
        from_primary,
        from_fallback,
    )
    return answers, unpaired


def _by_id(observations: Sequence[Observation]) -> dict[str, list[Observation]]:
    said: dict[str, list[Observation]] = {}
    for observation in observations:
        said.setdefault(observation.external_id, []).append(observation)
    return said


async def _fallback_round(
    tournament: Tournament, fallback: Fallback, known: Sequence[Match], ports: Ports
) -> tuple[dict[str, list[Observation]], tuple[str, ...]]:
    """What the fallback says of the round's matches, under the primary's ids, and the stored
    matches it has no single match for. The fallback knows nothing of our rounds: its whole
    fixtures are read and paired by teams and kickoff."""
    source = configured_source(ports.sources, fallback.provider)
    fixtures = await source.fixtures(fallback.reference)
    async with ports.uow_factory() as uow:
        teams = await uow.teams.get_many(sorted({k for m in known for k in (m.home, m.away)}))
        aliases = await uow.verification.aliases(tournament.id)
    names = {team.external_id: team.name for team in fixtures.teams}
    theirs = {match.external_id: match for match in fixtures.matches}
    ours = {match.key: match for match in known}
    pairing = pair(
        [
            Fixture(m.key, teams[m.home].name, teams[m.away].name, m.kickoff)
            for m in known
            if m.home in teams and m.away in teams
        ],
        [
            Fixture(m.external_id, names[m.home_external_id], names[m.away_external_id], kickoff)
            for m in fixtures.matches
            if (kickoff := m.observation.kickoff) is not None
            and m.home_external_id in names
            and m.away_external_id in names
        ],
        aliases=aliases,
        tolerance=ports.policy.kickoff_tolerance,
    )
    said: dict[str, list[Observation]] = {}
    for key, external_id in pairing.pairs:
        # Under our id; its kickoff, change time and cards are the fallback's own business.
        observation = evolve(
            theirs[external_id].observation,
            external_id=ours[key].external_id,
            kickoff=None,
            changed_at=None,
            home_cards=None,
            away_cards=None,
        )
        said[ours[key].external_id] = [observation]
    paired = {key for key, _ in pairing.pairs}
    unpaired = tuple(m.key for m in known if m.key not in paired)
    if unpaired:
        log.warning(
            "%s: %d matches unpaired with %s: %s",
            tournament.id,
            len(unpaired),
            fallback.provider,
            ", ".join(unpaired),
        )
    return said, unpaired


async def _settle_check(
    update: RoundUpdate, tournament: Tournament, due: datetime, follow_ups: FollowUps
) -> RoundUpdate:
    """Make sure the round is looked at again when its first pending final settles: named from
    that time, so a redelivered update ensures the same check."""
    policy = follow_ups.policy
    origin = schedule_name(policy.prefix, tournament.label, due, [update.round_slug, "settle"])
    check = PlannedSchedule(
        name=follow_up_name(origin, 0),
        fire_at=fire_time(due, update.observed_at),
        tournament_id=tournament.id,
        round_slug=update.round_slug,
        target_env=policy.target_env,
    )
    await follow_ups.scheduler.ensure(check)
    return update if update.follow_up is not None else evolve(update, follow_up=check.name)
