"""The demo source: a simulated league season, deterministic from a seed and a clock.

Nothing here reads the real time: the same seed, reference and clock give the same answers.
Reference `SEED`, `SEED/YYYY-MM-DD` or `SEED/YYYY-MM-DDTHH:MM`; `reference_for` pins the day.
The season, the simulation and the status table: docs/sources.md, "demo".
"""

from __future__ import annotations

import functools
import math
import random
import re
from collections.abc import Sequence, Set
from datetime import UTC, date, datetime, time, timedelta

from attrs import frozen

from adapters.sources import config
from adapters.sources.declaration import Provider, Reference, Wiring
from adapters.sources.parsed import (
    ParsedMatch,
    RoundInfo,
    assemble_fixtures,
    reference_tag,
    round_observations,
)
from bestshot_domain.days import check_day
from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import (
    Ending,
    Fixtures,
    Match,
    MatchStatus,
    Observation,
    Round,
    RoundKind,
    Score,
    SourceTeam,
)
from bestshot_domain.ports import Clock

PROVIDER = "demo"
DEFAULT_MATCH_WINDOW = config.DEFAULT_MATCH_WINDOW
CURRENT_MATCHDAY = 20
DEFAULT_FIRST_KICKOFF = time(12, 0)
WAVES = (timedelta(0),) * 4 + (timedelta(hours=2, minutes=30),) * 4 + (timedelta(hours=5),) * 2
LAST_WAVE = WAVES[-1]

CLUBS: tuple[tuple[str, str, str], ...] = (
    ("t01", "Aldmere Athletic", "ALD"),
    ("t02", "Brackenford Rovers", "BRF"),
    ("t03", "Caddow Town", "CAD"),
    ("t04", "Dunmarsh United", "DUN"),
    ("t05", "Eastwold City", "EWC"),
    ("t06", "Fernleigh Albion", "FER"),
    ("t07", "Glenharrow FC", "GLE"),
    ("t08", "Hollowmere Wanderers", "HOL"),
    ("t09", "Irkham Forge", "IRK"),
    ("t10", "Juniper Vale", "JUN"),
    ("t11", "Kestrel Bay", "KES"),
    ("t12", "Larkspur Harriers", "LAR"),
    ("t13", "Mossfield Rangers", "MOS"),
    ("t14", "Northwick Orient", "NOR"),
    ("t15", "Oakhaven Athletic", "OAK"),
    ("t16", "Pellingham Borough", "PEL"),
    ("t17", "Quarrington Vale", "QUA"),
    ("t18", "Redstowe County", "RED"),
    ("t19", "Saltmarsh Mariners", "SAL"),
    ("t20", "Thistlewick Dynamo", "THI"),
)
MATCHDAYS = 2 * (len(CLUBS) - 1)

HOME_GOALS = 1.5
AWAY_GOALS = 1.2
# A goal in match minute m happens m real minutes after kickoff in the first half, and 17 more
# (a 15-minute break and first-half stoppage time) in the second.
_SECOND_HALF_DELAY = 17

_REFERENCE = re.compile(
    r"^(?P<seed>\d{1,18})(?:/(?P<day>\d{4}-\d{2}-\d{2})(?:T(?P<time>\d{2}:\d{2}))?)?$"
)


@frozen
class DemoReference:
    seed: int
    day: date | None = None
    first_kickoff: time = DEFAULT_FIRST_KICKOFF

    @classmethod
    def parse(cls, reference: str) -> DemoReference:
        found = _REFERENCE.fullmatch(reference.strip())
        try:
            if found is None:
                raise ValueError("expected SEED, SEED/YYYY-MM-DD or SEED/YYYY-MM-DDTHH:MM")
            day = date.fromisoformat(found["day"]) if found["day"] else None
            first = time.fromisoformat(found["time"]) if found["time"] else DEFAULT_FIRST_KICKOFF
        except ValueError as error:
            raise InvalidInput(f"demo reference {reference!r}: {error}") from error
        if day is not None:
            # The season spans weeks around its anchor: a day near `date`'s ends overflows.
            check_day(day, f"demo reference {reference!r}: the day")
        return cls(int(found["seed"]), day, first)

    def __str__(self) -> str:
        if self.day is None:
            return str(self.seed)
        return f"{self.seed}/{self.day.isoformat()}T{self.first_kickoff:%H:%M}"


def reference_for(seed: int, now: datetime) -> str:
    """A pinned reference whose current matchday kicks off on `now`'s day, soon after `now`.

    The first wave is at the next quarter hour at least 15 minutes ahead, but early enough
    that the last wave still kicks off that day; late in the evening some matches of the day
    are therefore already under way or over.
    """
    moment = now.astimezone(UTC)
    start_of_day = datetime.combine(moment.date(), time(0), tzinfo=UTC)
    minutes = math.ceil((moment - start_of_day).total_seconds() / 60 / 15) * 15 + 15
    latest = (24 * 60 - 15) - int(LAST_WAVE.total_seconds() // 60)
    first = min(minutes, latest)
    return str(DemoReference(seed, moment.date(), time(first // 60, first % 60)))


@frozen
class _Fixture:
    matchday: int
    home: int  # index into CLUBS
    away: int
    kickoff: datetime

    @property
    def name(self) -> str:
        """The pairing, unique within one season: `md01-t01-t20`."""
        return f"md{self.matchday:02d}-{CLUBS[self.home][0]}-{CLUBS[self.away][0]}"


def _pairings(order: Sequence[int]) -> list[list[tuple[int, int]]]:
    """n-1 rounds where everyone meets everyone once (the circle method).

    Each pair's home side is the one that has been at home less often so far, then the one that
    was away last time, so no club spends half a season on the road.
    """
    teams = list(order)
    n = len(teams)
    homes = dict.fromkeys(teams, 0)
    away_last = dict.fromkeys(teams, False)
    rounds = []
    for _ in range(n - 1):
        pairs = []
        for i in range(n // 2):
            a, b = teams[i], teams[n - 1 - i]
            key_a = (homes[a], not away_last[a], a)
            key_b = (homes[b], not away_last[b], b)
            home, away = (a, b) if key_a < key_b else (b, a)
            homes[home] += 1
            pairs.append((home, away))
        for home, away in pairs:
            away_last[home], away_last[away] = False, True
        rounds.append(pairs)
        teams = [teams[0], teams[-1], *teams[1:-1]]
    return rounds


def _schedule(reference: DemoReference, today: date) -> list[_Fixture]:
    order = list(range(len(CLUBS)))
    rng = random.Random(f"demo:{reference.seed}:order")  # noqa: S311 - a simulation, not a secret
    rng.shuffle(order)
    first_half = _pairings(order)
    season = first_half + [[(away, home) for home, away in pairs] for pairs in first_half]
    anchor = datetime.combine(reference.day or today, reference.first_kickoff, tzinfo=UTC)
    fixtures = []
    for matchday, pairs in enumerate(season, start=1):
        start = anchor + timedelta(weeks=matchday - CURRENT_MATCHDAY)
        for (home, away), wave in zip(pairs, WAVES, strict=True):
            fixtures.append(_Fixture(matchday, home, away, start + wave))
    return fixtures


def _strengths(seed: int) -> list[tuple[float, float]]:
    """(attack, defensive weakness) per club: 1.0 is average."""
    rng = random.Random(f"demo:{seed}:strength")  # noqa: S311 - a simulation
    return [(rng.uniform(0.7, 1.35), rng.uniform(0.75, 1.3)) for _ in CLUBS]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of football scores.
    limit, goals, product = math.exp(-mean), 0, rng.random()
    while product > limit and goals < 9:
        goals += 1
        product *= rng.random()
    return goals


def _goal_offsets(rng: random.Random, goals: int) -> list[timedelta]:
    minutes = sorted(rng.randint(1, 90) for _ in range(goals))
    return [
        timedelta(minutes=m if m <= 45 else m + _SECOND_HALF_DELAY)  # when they happen
        for m in minutes
    ]


@frozen
class _Result:
    home: tuple[timedelta, ...]  # when each home goal is scored, after kickoff
    away: tuple[timedelta, ...]


def _result(seed: int, fixture: _Fixture, strengths: Sequence[tuple[float, float]]) -> _Result:
    rng = random.Random(f"demo:{seed}:{fixture.name}")  # noqa: S311 - a simulation
    home_attack, home_weakness = strengths[fixture.home]
    away_attack, away_weakness = strengths[fixture.away]
    home = _poisson(rng, HOME_GOALS * home_attack * away_weakness)
    away = _poisson(rng, AWAY_GOALS * away_attack * home_weakness)
    return _Result(tuple(_goal_offsets(rng, home)), tuple(_goal_offsets(rng, away)))


def _observe(
    external_id: str, fixture: _Fixture, result: _Result, now: datetime, window: timedelta
) -> Observation:
    elapsed = now - fixture.kickoff
    if elapsed < timedelta(0):
        return Observation(external_id, MatchStatus.SCHEDULED, kickoff=fixture.kickoff)
    if elapsed < window:
        scored = [t for t in result.home + result.away if t <= elapsed]
        return Observation(
            external_id,
            MatchStatus.LIVE,
            score=Score(
                sum(1 for t in result.home if t <= elapsed),
                sum(1 for t in result.away if t <= elapsed),
            ),
            kickoff=fixture.kickoff,
            changed_at=fixture.kickoff + max(scored, default=timedelta(0)),
        )
    return Observation(
        external_id,
        MatchStatus.FINISHED,
        score=Score(len(result.home), len(result.away)),
        ended=Ending.REGULAR,
        kickoff=fixture.kickoff,
        changed_at=fixture.kickoff + window,
    )


@frozen
class _Simulated:
    """One match of a season with everything about it that does not depend on the clock."""

    external_id: str
    fixture: _Fixture
    result: _Result
    round: RoundInfo
    home: SourceTeam
    away: SourceTeam

    def at(self, now: datetime, window: timedelta) -> ParsedMatch:
        observation = _observe(self.external_id, self.fixture, self.result, now, window)
        return ParsedMatch(
            round=self.round, home=self.home, away=self.away, observation=observation
        )


@functools.lru_cache(maxsize=256)
def _fixtures(seed: int, anchor: date, first_kickoff: time) -> tuple[_Fixture, ...]:
    """The season's fixtures in schedule order: a shuffle and the circle method, no results
    (a fraction of a millisecond to draw, about 40 KB to keep)."""
    return tuple(_schedule(DemoReference(seed, anchor, first_kickoff), anchor))


@functools.lru_cache(maxsize=1024)
def _season_strengths(seed: int) -> tuple[tuple[float, float], ...]:
    return tuple(_strengths(seed))


_TEAMS = tuple(SourceTeam(club_id, name, code) for club_id, name, code in CLUBS)
_ROUNDS = {
    matchday: RoundInfo(
        f"matchday-{matchday}", f"Matchday {matchday}", RoundKind.LEAGUE, str(matchday)
    )
    for matchday in range(1, MATCHDAYS + 1)
}


@functools.lru_cache(maxsize=4096)  # a round is asked for again and again while it is played
def _simulated(seed: int, fixture: _Fixture, tag: str) -> _Simulated:
    """One match with its final result: its own random draws only (seeded by the season's seed
    and the fixture), so a round is simulated without the rest of the season."""
    return _Simulated(
        f"{tag}-{fixture.name}",
        fixture,
        _result(seed, fixture, _season_strengths(seed)),
        _ROUNDS[fixture.matchday],
        _TEAMS[fixture.home],
        _TEAMS[fixture.away],
    )


@functools.lru_cache(maxsize=32)
def _season(seed: int, anchor: date, first_kickoff: time, tag: str) -> tuple[_Simulated, ...]:
    """The season's fixtures and final results, in schedule order; ids tagged with `tag`.

    They depend only on the seed and the anchor, so they are drawn once per season and kept;
    a round update does not need them (`_round_at` simulates only the round's matches).
    """
    return tuple(
        _simulated(seed, fixture, tag) for fixture in _fixtures(seed, anchor, first_kickoff)
    )


@functools.lru_cache(maxsize=256)
def _parsed(reference: str) -> tuple[DemoReference, str]:
    # Every round update parses its tournament's reference: once per reference is enough.
    ref = DemoReference.parse(reference)
    return ref, reference_tag(str(ref))


def _parts(reference: str, now: datetime) -> tuple[int, date, time, str]:
    ref, tag = _parsed(reference)
    anchor = ref.day or now.astimezone(UTC).date()
    return ref.seed, anchor, ref.first_kickoff, tag


def _season_at(reference: str, now: datetime) -> tuple[_Simulated, ...]:
    return _season(*_parts(reference, now))


@functools.lru_cache(maxsize=32)
def _index(seed: int, anchor: date, first_kickoff: time, tag: str) -> dict[str, list[int]]:
    """Where each round's fixtures, and each id's, are in the schedule."""
    index: dict[str, list[int]] = {}
    for at, fixture in enumerate(_fixtures(seed, anchor, first_kickoff)):
        index.setdefault(_ROUNDS[fixture.matchday].slug, []).append(at)
        index[f"{tag}-{fixture.name}"] = [at]
    return index


def _round_at(reference: str, now: datetime, round_slug: str, stored: Set[str]) -> list[_Simulated]:
    """The season's matches of `round_slug` and those whose ids are in `stored`, in schedule
    order, as `_season_at` has them, simulating only those."""
    seed, anchor, first_kickoff, tag = _parts(reference, now)
    index, fixtures = (
        _index(seed, anchor, first_kickoff, tag),
        _fixtures(seed, anchor, first_kickoff),
    )
    wanted = {at for key in (round_slug, *stored) for at in index.get(key, ())}
    return [_simulated(seed, fixtures[at], tag) for at in sorted(wanted)]


def simulate(
    reference: str, now: datetime, window: timedelta = DEFAULT_MATCH_WINDOW
) -> list[ParsedMatch]:
    """Every match of the demo season as it stands at `now`."""
    return [match.at(now, window) for match in _season_at(reference, now)]


class DemoSource:
    """`ResultSource` of the simulated season; results appear as the clock moves on."""

    def __init__(self, clock: Clock, match_window: timedelta = DEFAULT_MATCH_WINDOW) -> None:
        if match_window <= timedelta(0):
            raise ValueError(f"the match window is positive, got {match_window}")
        self._clock = clock
        self._window = match_window

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        """Nothing to release; here so every source closes the same way."""

    async def fixtures(self, reference: str) -> Fixtures:
        return assemble_fixtures(PROVIDER, simulate(reference, self._clock.now(), self._window))

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        now = self._clock.now()
        stored = {match.external_id for match in matches}
        # Only the round's matches (and stored ones, wherever they are now) are simulated.
        wanted = (
            match.at(now, self._window) for match in _round_at(reference, now, round_.slug, stored)
        )
        return round_observations(wanted, round_.slug, stored)


def _build(wiring: Wiring) -> DemoSource:
    return DemoSource(wiring.clock, wiring.config.match_window)


DECLARATION = Provider(
    name=PROVIDER,
    title="demo",
    build=_build,
    reference=Reference("SEED[/YYYY-MM-DD[THH:MM]]", "42/2026-11-28", "simulated"),
)
