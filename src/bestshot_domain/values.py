"""The small values the model is built from: keys, UTC times, a match's status and score.

Split out of `bestshot_domain.model`, which re-exports every public name here; import them
from there.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from attrs import field, frozen

TeamKey = str
MatchKey = str
TournamentId = str


def make_key(provider: str, external_id: str) -> str:
    """The key of a team or match: the provider and its own id."""
    return f"{provider}:{external_id}"


def utc(value: datetime) -> datetime:
    if value.tzinfo is UTC:  # the common case (drivers, parsers): nothing to check or convert
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got {value!r}")
    # Normalized to UTC: Python never compares a local time in a DST gap or fold equal to the
    # same instant elsewhere, so a kickoff read back from the database must be in one zone.
    return value.astimezone(UTC)


def read_only(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def optional_utc(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


class MatchStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    FINISHED = "finished"
    POSTPONED = "postponed"
    SUSPENDED = "suspended"  # interrupted or abandoned; may resume or be replayed
    CANCELLED = "cancelled"  # never to be played
    AWARDED = "awarded"  # decided at the table; the awarded score counts


class Ending(enum.StrEnum):
    """How a finished match ended."""

    REGULAR = "regular"
    EXTRA_TIME = "extra_time"
    PENALTIES = "penalties"


class RoundKind(enum.StrEnum):
    LEAGUE = "league"  # a matchday of a league
    GROUP = "group"  # a matchday of a group stage
    KNOCKOUT = "knockout"  # not part of any table


@frozen
class Score:
    """Goals of the home and the away side. Non-negative by construction."""

    home: int = field()
    away: int = field()

    @home.validator
    @away.validator
    def _non_negative(self, attribute: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"a score is a non-negative integer, got {value!r}")

    def __str__(self) -> str:
        return f"{self.home}-{self.away}"


class VerifyMode(enum.StrEnum):
    """How a final is checked before it is written (`bestshot_domain.verification`)."""

    NONE = "none"  # written as the provider reports it
    SETTLE = "settle"  # written once the provider reported it unchanged for the settle window
    AGREE = "agree"  # written once the primary and the fallback report the same final
