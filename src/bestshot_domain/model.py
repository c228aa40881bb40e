"""The things bestshot keeps: tournaments, teams, rounds, matches and what providers say of them.

Every value is a frozen attrs class; a change makes a new value (`attrs.evolve`). Times are
timezone-aware datetimes in UTC. Teams and matches are identified by their provider and the
provider's own id, folded into one `key` string (`"espn:359"`), so that re-importing a
tournament finds the same rows again.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import field, frozen

# `as Cards`: the explicit re-export (PEP 484) for callers that take it from the model.
from bestshot_domain.standings.cards import Cards as Cards  # noqa: PLC0414
from bestshot_domain.standings.inputs import MatchResult

# The basic values live in `values`; re-exported (`as X`, PEP 484) so that callers keep taking
# them from the model.
from bestshot_domain.values import Ending as Ending  # noqa: PLC0414
from bestshot_domain.values import MatchKey as MatchKey  # noqa: PLC0414
from bestshot_domain.values import MatchStatus as MatchStatus  # noqa: PLC0414
from bestshot_domain.values import RoundKind as RoundKind  # noqa: PLC0414
from bestshot_domain.values import Score as Score  # noqa: PLC0414
from bestshot_domain.values import TeamKey as TeamKey  # noqa: PLC0414
from bestshot_domain.values import TournamentId as TournamentId  # noqa: PLC0414
from bestshot_domain.values import VerifyMode as VerifyMode  # noqa: PLC0414
from bestshot_domain.values import make_key as make_key  # noqa: PLC0414
from bestshot_domain.values import optional_utc as _optional_utc
from bestshot_domain.values import read_only as _read_only
from bestshot_domain.values import utc as _utc

if TYPE_CHECKING:
    from bestshot_domain.standings import KnockoutRound, Table


@frozen
class Fallback:
    """The provider a round is read from when the tournament's own provider fails."""

    provider: str
    reference: str


@frozen
class Tournament:
    id: TournamentId  # public slug, e.g. "premier-league-2025-26"
    label: str  # "Premier League 2025/26"
    provider: str  # which ResultSource feeds it: "espn", "football_data", "demo" ...
    reference: str  # the provider's own reference (league code, competition id, file URL ...)
    rules: str  # a standings preset name, e.g. "premier_league"
    timezone: str = "UTC"  # IANA name; decides which day a kickoff belongs to
    zones: str = ""  # zone spec, e.g. "1:champion,1-4:champions_league,18-20:relegation"
    season: str | None = None  # "1995-96" or "2023": chooses the rules' era (None: current)
    fallback: Fallback | None = None
    verify: VerifyMode = VerifyMode.NONE


@frozen
class Team:
    provider: str
    external_id: str
    name: str
    code: str | None = None  # a short code (e.g. "ARS") when the provider has one

    @property
    def key(self) -> TeamKey:
        return make_key(self.provider, self.external_id)


@frozen
class Membership:
    """A team plays in a tournament, optionally in a group (None: the one table)."""

    tournament_id: TournamentId
    team: TeamKey
    group: str | None = None


@frozen
class Round:
    tournament_id: TournamentId
    slug: str  # URL-safe, unique within the tournament: "matchday-12", "final"
    label: str  # "Matchday 12"
    order: int  # position in the season, for listing
    kind: RoundKind = RoundKind.LEAGUE
    reference: str = ""  # the provider's own round id (matchday number, round slug ...)


@frozen
class MatchState:
    """What a provider can change about a match, kept apart so a change record can hold it."""

    status: MatchStatus
    kickoff: datetime = field(converter=_utc)
    score: Score | None = None  # the score for the table (after extra time when there was one)
    ended: Ending | None = None  # only for finished (and awarded) matches
    shootout: Score | None = None  # only when ended is PENALTIES; never part of `score`


@frozen
class Match:
    tournament_id: TournamentId
    round_slug: str
    provider: str
    external_id: str
    home: TeamKey
    away: TeamKey
    state: MatchState
    group: str | None = None  # the group whose table the match counts for
    last_observed: datetime | None = field(default=None, converter=_optional_utc)
    version: int = 0  # bumped on every applied change

    @property
    def key(self) -> MatchKey:
        return make_key(self.provider, self.external_id)

    @property
    def status(self) -> MatchStatus:
        return self.state.status

    @property
    def kickoff(self) -> datetime:
        return self.state.kickoff

    @property
    def score(self) -> Score | None:
        return self.state.score


@frozen
class Observation:
    """What a provider says of one match now.

    `score` is the score for the table: after extra time when there was one, and never with
    shoot-out goals (those go to `shootout`). `changed_at` is when the provider last changed
    the match, when it says so. `home_cards` and `away_cards` are each side's discipline when
    the provider reports it (openfootball's `cards`), for the fair-play criteria; None says
    nothing, it never clears what is stored.
    """

    external_id: str
    status: MatchStatus
    score: Score | None = None
    ended: Ending | None = None
    shootout: Score | None = None
    kickoff: datetime | None = field(default=None, converter=_optional_utc)
    changed_at: datetime | None = field(default=None, converter=_optional_utc)
    home_cards: Cards | None = None
    away_cards: Cards | None = None


class ChangeKind(enum.StrEnum):
    CREATED = "created"  # first seen (import)
    UPDATED = "updated"  # a normal step: scheduled -> live -> finished, a new kickoff ...
    CORRECTION = "correction"  # a finished match's score changed afterwards
    OVERRIDE = "override"  # an admin set the match's state by hand (`overrides`)
    OBSERVATION = "observation"  # what a provider said while an override stood: not applied
    RELEASE = "release"  # an admin released an override: the provider's word applies again


@frozen
class MatchChange:
    """One applied change of a match: before, after, and why. `source` is who said so: an
    admin's subject for overrides and releases; "" for the tournament's provider."""

    match: MatchKey
    tournament_id: TournamentId
    round_slug: str
    kind: ChangeKind
    before: MatchState | None
    after: MatchState
    reason: str
    recorded_at: datetime = field(converter=_utc)
    source: str = ""


@frozen
class RecordedChange:
    """A change as the history lists it: its id grows with the order changes were recorded."""

    id: int
    change: MatchChange


@frozen
class Override:
    """A match's state set by hand: while it stands, providers never change the match; what
    the provider last said otherwise is kept beside it (`provider_says`, fetched `provider_at`)."""

    match: MatchKey
    state: MatchState
    reason: str
    by: str  # the admin's subject
    at: datetime = field(converter=_utc)
    provider_says: MatchState | None = None
    provider_at: datetime | None = field(default=None, converter=_optional_utc)


@frozen
class PointAdjustment:
    """Points added to (or, negative, deducted from) a team's total, e.g. -10 for administration."""

    tournament_id: TournamentId
    team: TeamKey
    points: int
    reason: str = ""


@frozen
class MatchDiscipline:
    """The cards one side received in one match, for fair-play criteria."""

    match: MatchKey
    team: TeamKey
    cards: Cards


# What a ResultSource returns when asked for a tournament's fixtures. It speaks the provider's
# ids; the import use case turns them into keys.


@frozen
class SourceTeam:
    external_id: str
    name: str
    code: str | None = None
    group: str | None = None


@frozen
class SourceRound:
    slug: str
    label: str
    order: int
    kind: RoundKind = RoundKind.LEAGUE
    reference: str = ""


@frozen
class SourceMatch:
    round_slug: str
    home_external_id: str
    away_external_id: str
    observation: Observation  # its current state; `observation.kickoff` must be set
    group: str | None = None

    @property
    def external_id(self) -> str:
        return self.observation.external_id


@frozen
class Fixtures:
    provider: str
    teams: tuple[SourceTeam, ...]
    rounds: tuple[SourceRound, ...]
    matches: tuple[SourceMatch, ...]


@frozen
class StandingsSnapshot:
    """The computed tables of a tournament, as stored, with the rules and when they were made,
    and what they were made from: the tournament's standings revision (`StandingsStatus`) and
    the engine's fingerprint (`tables.engine_fingerprint`). A snapshot whose engine is unknown
    ("") is never taken for the current tables."""

    tournament_id: TournamentId
    rules: str
    computed_at: datetime = field(converter=_utc)
    tables: tuple[Table, ...] = ()
    revision: int = 0
    engine: str = ""
    # The knockout rounds' ties and each member's progress (team key: round label, `champion`
    # or `group`); empty for a tournament without knockout rounds.
    knockout: tuple[KnockoutRound, ...] = ()
    progress: Mapping[TeamKey, str] = field(factory=dict, converter=_read_only, hash=False)
    # What each group's table was computed from, digested (`tables.snapshot_of` recomputes only
    # the groups whose digest changed); empty without groups.
    digests: Mapping[str, str] = field(factory=dict, converter=_read_only, hash=False)


@frozen
class StandingsStatus:
    """Where a tournament's tables stand, read in one go: the standings revision and the rules
    that tables computed now would be computed from, and the last stored snapshot (None before
    the first computation).

    The revision is a count that every committed write to what the tables are computed from
    raises (its matches, their cards, its point adjustments, membership and rounds, its teams'
    names, its rules and zones), so that equal revisions mean unchanged inputs."""

    revision: int
    rules: str
    snapshot: StandingsSnapshot | None

    def reusable(self, engine: str) -> StandingsSnapshot | None:
        """The stored snapshot when computing the tables again would give the same ones: it
        was computed at the current revision, with the current rules, by the same engine."""
        snapshot = self.snapshot
        if (
            snapshot is not None
            and snapshot.engine
            and snapshot.engine == engine
            and snapshot.revision == self.revision
            and snapshot.rules == self.rules
        ):
            return snapshot
        return None


@frozen
class TableMatch:
    """A stored match as a table sees it: no more than the tables are computed from, so that a
    season's matches are cheap to read for every standings update."""

    key: MatchKey
    round_slug: str
    home: TeamKey
    away: TeamKey
    status: MatchStatus
    kickoff: datetime = field(converter=_utc)
    score: Score | None = None
    ended: Ending | None = None  # a knockout match's extra time ...
    shootout: Score | None = None  # ... and shoot-out decide its tie

    @classmethod
    def of(cls, match: Match) -> TableMatch:
        state = match.state
        return cls(
            match.key,
            match.round_slug,
            match.home,
            match.away,
            state.status,
            state.kickoff,
            state.score,
            state.ended,
            state.shootout,
        )


@frozen
class StandingsInputs:
    """Everything a tournament's tables are computed from, as stored: the tournament (its rules
    and zones), its members and their teams, its rounds, its matches in the shapes the tables
    take (`tables.table_matches`: the results that can count, with their cards where the rules
    count them, and the knockout rounds' matches, each in kickoff order) and point adjustments,
    each ordered as its own repository lists it (in tuples, so that two reads compare equal
    whatever adapter made them)."""

    tournament: Tournament
    members: tuple[Membership, ...]
    teams: Mapping[TeamKey, Team]  # the members' teams, by key
    rounds: tuple[Round, ...]
    results: tuple[MatchResult, ...]
    knockout: tuple[TableMatch, ...]
    adjustments: tuple[PointAdjustment, ...]
    revision: int  # the tournament's standings revision these were read at (StandingsStatus)
