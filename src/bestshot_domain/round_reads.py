"""What a round update compares a provider's answer with, in one read (`RoundRepository.read`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from bestshot_domain.model import Match, MatchKey, Override, Round, Tournament


@frozen
class RoundRead:
    """The tournament, the round, its matches and their overrides, as `tournaments.get`,
    `rounds.get`, `matches.for_round` and `overrides.for_round` give them."""

    tournament: Tournament
    round: Round
    matches: Sequence[Match]
    overrides: Mapping[MatchKey, Override]
