"""What a parser makes of a payload: plain values, and how they add up to `Fixtures`.

A parser turns one payload into `ParsedMatch` values (the match, its teams, its round, its
state as an `Observation`). Sources then either keep the observations (one round) or assemble
the whole tournament with `assemble_fixtures`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from attrs import frozen

from bestshot_domain.model import (
    Fixtures,
    Observation,
    RoundKind,
    SourceMatch,
    SourceRound,
    SourceTeam,
)


@frozen
class RoundInfo:
    """A round as one match names it; its order in the season comes from the whole fixture."""

    slug: str
    label: str
    kind: RoundKind = RoundKind.LEAGUE
    reference: str = ""  # what the provider needs to fetch this round again


@frozen
class ParsedMatch:
    round: RoundInfo
    home: SourceTeam
    away: SourceTeam
    observation: Observation  # `kickoff` always set by parsers
    group: str | None = None

    @property
    def external_id(self) -> str:
        return self.observation.external_id

    @property
    def kickoff(self) -> datetime:
        kickoff = self.observation.kickoff
        if kickoff is None:  # pragma: no cover - parsers always set it
            raise ValueError(f"match {self.external_id} has no kickoff")
        return kickoff


REFERENCE_TAG_LENGTH = 8


def reference_tag(reference: str) -> str:
    """A short stable digest of a tournament's reference, for sources that make match ids up.

    Keys are `provider:external_id`, unique across tournaments; an id made of a round and two
    team names (openfootball) or of a pairing (demo) is unique only within one reference, so
    such sources put this tag in front of it. Eight hex digits: two references of one provider
    share a tag with odds of one in four billion.
    """
    return hashlib.sha256(reference.strip().encode()).hexdigest()[:REFERENCE_TAG_LENGTH]


def slugify(text: str) -> str:
    """ASCII, lowercase, dashes: "Quarter-finals" -> "quarter-finals", "Último" -> "ultimo"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "round"


def sentence(text: str) -> str:
    """ "ROUND_OF_16" or "round-of-16" -> "Round of 16"."""
    words = re.sub(r"[_\-\s]+", " ", text).strip().lower()
    return words[:1].upper() + words[1:]


def assemble_fixtures(provider: str, matches: Iterable[ParsedMatch]) -> Fixtures:
    """The tournament these matches make: each team and round once, rounds in season order.

    A match listed twice (a provider's pages can overlap) is kept once, as first seen. A team's
    group is the first group it is seen playing in. Rounds are ordered by their first kickoff,
    then by slug.
    """
    seen: dict[str, ParsedMatch] = {}
    for match in matches:
        seen.setdefault(match.external_id, match)
    ordered = sorted(seen.values(), key=lambda m: (m.kickoff, m.external_id))

    teams: dict[str, SourceTeam] = {}
    for match in ordered:
        for team in (match.home, match.away):
            known = teams.get(team.external_id)
            if known is None:
                teams[team.external_id] = SourceTeam(
                    team.external_id, team.name, team.code, match.group
                )
            elif known.group is None and match.group is not None:
                teams[team.external_id] = SourceTeam(
                    known.external_id, known.name, known.code, match.group
                )

    first_kickoff: dict[str, tuple[datetime, RoundInfo]] = {}
    for match in ordered:
        first_kickoff.setdefault(match.round.slug, (match.kickoff, match.round))
    rounds = tuple(
        SourceRound(info.slug, info.label, order, info.kind, info.reference)
        for order, (_, info) in enumerate(
            sorted(first_kickoff.values(), key=lambda item: (item[0], item[1].slug)), start=1
        )
    )

    source_matches = tuple(
        SourceMatch(
            round_slug=match.round.slug,
            home_external_id=match.home.external_id,
            away_external_id=match.away.external_id,
            observation=match.observation,
            group=match.group,
        )
        for match in ordered
    )
    return Fixtures(
        provider=provider,
        teams=tuple(sorted(teams.values(), key=lambda t: t.external_id)),
        rounds=rounds,
        matches=source_matches,
    )


def round_observations(
    matches: Iterable[ParsedMatch], round_slug: str, stored_ids: Iterable[str]
) -> list[Observation]:
    """The observations of one round: matches the provider places in the round, and the stored
    matches of the round wherever the provider now places them (a postponed match may move).
    Each match once, in the payload's order.
    """
    ids = set(stored_ids)
    out: dict[str, Observation] = {}
    for match in matches:
        if match.round.slug == round_slug or match.external_id in ids:
            out.setdefault(match.external_id, match.observation)
    return list(out.values())
