"""What importing a provider's fixtures changes in a stored tournament, decided without I/O.

`check_fixtures` refuses fixtures that do not hang together (naming where), and `plan_import`
compares them with what is stored and returns only what differs, so that importing the same
fixtures again writes nothing, records nothing and bumps no version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

import attrs
from attrs import frozen

from bestshot_domain.errors import SourceFormatError
from bestshot_domain.lifecycle import (
    Applied,
    Verdict,
    apply_observation,
    create_match,
    discipline_changes,
)
from bestshot_domain.model import (
    Cards,
    ChangeKind,
    Fixtures,
    Match,
    MatchChange,
    MatchDiscipline,
    MatchKey,
    Membership,
    Round,
    Team,
    TeamKey,
    Tournament,
    make_key,
)
from bestshot_domain.text import is_slug


@frozen
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@frozen
class Rejection:
    external_id: str
    reason: str


@frozen
class ImportSummary:
    tournament: Tournament
    tournament_created: bool
    tournament_updated: bool
    teams: Counts
    members_changed: bool
    rounds: Counts
    matches: Counts
    rejected: tuple[Rejection, ...]  # matches of the source that could not be stored, and why
    absent: tuple[MatchKey, ...]  # stored matches the source no longer lists (kept as they are)
    changes: int  # change records written
    discipline: int = 0  # match sides whose cards were written

    @property
    def changed(self) -> bool:
        return (
            self.tournament_created
            or self.tournament_updated
            or self.teams.changed
            or self.members_changed
            or self.rounds.changed
            or self.matches.changed
            or self.discipline > 0
        )


@frozen
class ImportPlan:
    """The writes an import needs (only what differs from what is stored), and its summary."""

    teams: tuple[Team, ...]
    members: tuple[Membership, ...] | None  # None: the membership stays as it is
    rounds: tuple[Round, ...]
    matches: tuple[Match, ...]
    changes: tuple[MatchChange, ...]
    discipline: tuple[MatchDiscipline, ...]  # cards new or changed, for stored or new matches
    summary: ImportSummary

    @property
    def created_matches(self) -> tuple[Match, ...]:
        """The matches this import inserts (the others it writes are already this tournament's)."""
        return tuple(match for match in self.matches if match.version == 0)


def _repeated(values: Sequence[str]) -> str | None:
    twice = [value for value, count in Counter(values).items() if count > 1]
    return twice[0] if twice else None


def check_fixtures(fixtures: Fixtures, provider: str) -> None:
    """Raise SourceFormatError (naming the path) unless the fixtures hang together."""

    def fail(path: str, message: str) -> SourceFormatError:
        return SourceFormatError(provider, path, message)

    if fixtures.provider != provider:
        raise fail("provider", f"fixtures of {fixtures.provider!r} from the {provider!r} source")
    for name, values in (
        ("teams", [t.external_id for t in fixtures.teams]),
        ("rounds", [r.slug for r in fixtures.rounds]),
        ("matches", [m.external_id for m in fixtures.matches]),
    ):
        if (twice := _repeated(values)) is not None:
            raise fail(name, f"{twice!r} appears twice")
    team_ids = {t.external_id for t in fixtures.teams}
    slugs = set()
    for index, round_ in enumerate(fixtures.rounds):
        if not is_slug(round_.slug):
            raise fail(f"rounds[{index}].slug", f"{round_.slug!r} is not a URL-safe slug")
        slugs.add(round_.slug)
    for index, match in enumerate(fixtures.matches):
        for side in ("home_external_id", "away_external_id"):
            if getattr(match, side) not in team_ids:
                raise fail(f"matches[{index}].{side}", f"unknown team {getattr(match, side)!r}")
        if match.round_slug not in slugs:
            raise fail(f"matches[{index}].round_slug", f"unknown round {match.round_slug!r}")


def plan_import(
    tournament: Tournament,
    fixtures: Fixtures,
    *,
    stored_tournament: Tournament | None,
    stored_teams: Mapping[TeamKey, Team],
    stored_members: Sequence[Membership],
    stored_rounds: Sequence[Round],
    stored_matches: Sequence[Match],
    stored_discipline: Sequence[MatchDiscipline] = (),
    at: datetime,
) -> ImportPlan:
    """Compare checked `fixtures` with what is stored for `tournament`; return what to write.

    Cards the source reports are written where they differ from `stored_discipline`; cards it
    no longer reports are kept (like matches it no longer lists).
    """
    provider = tournament.provider
    teams, team_counts = _diff(
        [Team(provider, t.external_id, t.name, t.code) for t in fixtures.teams],
        stored_teams,
        key=lambda team: team.key,
    )
    wanted_members = tuple(
        Membership(tournament.id, make_key(provider, t.external_id), t.group)
        for t in fixtures.teams
    )
    members_changed = set(wanted_members) != set(stored_members)
    rounds, round_counts = _diff(
        [
            Round(tournament.id, r.slug, r.label, r.order, r.kind, r.reference or r.slug)
            for r in fixtures.rounds
        ],
        {r.slug: r for r in stored_rounds},
        key=lambda round_: round_.slug,
    )
    matches, changes, discipline, match_counts, rejected = _plan_matches(
        tournament,
        fixtures,
        stored_matches,
        {(record.match, record.team): record.cards for record in stored_discipline},
        at,
    )
    listed = {make_key(provider, m.external_id) for m in fixtures.matches}
    summary = ImportSummary(
        tournament=tournament,
        tournament_created=stored_tournament is None,
        tournament_updated=stored_tournament is not None and stored_tournament != tournament,
        teams=team_counts,
        members_changed=members_changed,
        rounds=round_counts,
        matches=match_counts,
        rejected=tuple(rejected),
        absent=tuple(m.key for m in stored_matches if m.key not in listed),
        changes=len(changes),
        discipline=len(discipline),
    )
    return ImportPlan(
        teams=tuple(teams),
        members=wanted_members if members_changed else None,
        rounds=tuple(rounds),
        matches=tuple(matches),
        changes=tuple(changes),
        discipline=tuple(discipline),
        summary=summary,
    )


T = TypeVar("T")


def _diff(
    wanted: Sequence[T], stored: Mapping[str, T], *, key: Callable[[T], str]
) -> tuple[list[T], Counts]:
    writes = [item for item in wanted if stored.get(key(item)) != item]
    created = sum(1 for item in writes if key(item) not in stored)
    return writes, Counts(created, len(writes) - created, len(wanted) - len(writes))


def _plan_matches(
    tournament: Tournament,
    fixtures: Fixtures,
    stored_matches: Sequence[Match],
    stored_cards: Mapping[tuple[MatchKey, TeamKey], Cards],
    at: datetime,
) -> tuple[list[Match], list[MatchChange], list[MatchDiscipline], Counts, list[Rejection]]:
    provider = tournament.provider
    stored = {m.key: m for m in stored_matches}
    writes: list[Match] = []
    changes: list[MatchChange] = []
    cards: list[MatchDiscipline] = []
    rejected: list[Rejection] = []
    created = updated = unchanged = 0
    for source in fixtures.matches:
        existing = stored.get(make_key(provider, source.external_id))
        if existing is None:
            outcome = create_match(tournament.id, provider, source, at=at)
            if isinstance(outcome, Applied):
                writes.append(outcome.match)
                changes.append(outcome.change)
                cards.extend(discipline_changes(outcome.match, source.observation, stored_cards))
                created += 1
            else:
                rejected.append(Rejection(source.external_id, outcome.reason))
            continue
        moved = attrs.evolve(
            existing,
            round_slug=source.round_slug,
            home=make_key(provider, source.home_external_id),
            away=make_key(provider, source.away_external_id),
            group=source.group,
        )
        match_changes: list[MatchChange] = []
        if moved != existing:
            match_changes.append(_fixture_change(existing, moved, at))
        result = apply_observation(moved, source.observation, at=at)
        if isinstance(result, Applied):
            moved = result.match
            match_changes.append(result.change)
        elif result.verdict is Verdict.REJECTED:
            rejected.append(Rejection(source.external_id, result.reason))
        if result.verdict not in (Verdict.STALE, Verdict.REJECTED):
            cards.extend(discipline_changes(moved, source.observation, stored_cards))
        if match_changes:
            writes.append(attrs.evolve(moved, version=existing.version + 1))
            changes.extend(match_changes)
            updated += 1
        else:
            unchanged += 1
    return writes, changes, cards, Counts(created, updated, unchanged), rejected


def _fixture_change(before: Match, after: Match, at: datetime) -> MatchChange:
    moves = [
        f"{name} {getattr(before, name)} -> {getattr(after, name)}"
        for name in ("round_slug", "home", "away", "group")
        if getattr(before, name) != getattr(after, name)
    ]
    return MatchChange(
        match=after.key,
        tournament_id=after.tournament_id,
        round_slug=after.round_slug,
        kind=ChangeKind.UPDATED,
        before=before.state,
        after=after.state,
        reason="fixture changed: " + "; ".join(moves),
        recorded_at=at,
    )
