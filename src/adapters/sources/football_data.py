"""football-data.org v4 (`X-Auth-Token`): a competition's matches by season and matchday.

Reference `CODE/SEASON` or `CODE` (`PL/2024`).
After extra time or a shoot-out, `fullTime` includes the shoot-out goals: the table score is
then `regularTime` plus `extraTime`.
Rounds and the status table: docs/sources.md, "football-data.org v4".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from attrs import frozen
from pydantic import AwareDatetime, NonNegativeInt

from adapters.sources.declaration import Provider, Reference, Setting, Wiring
from adapters.sources.parsed import (
    ParsedMatch,
    RoundInfo,
    assemble_fixtures,
    round_observations,
    sentence,
    slugify,
)
from adapters.sources.payload import ExternalId, Payload, format_error, load_json, validate
from adapters.sources.policy import RateLimit
from adapters.sources.references import reference_known
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

if TYPE_CHECKING:
    from adapters.sources.http import ProviderClient

PROVIDER = "football_data"
DEFAULT_BASE_URL = "https://api.football-data.org"
AUTH_HEADER = "X-Auth-Token"  # the name of the header, not a secret
# football-data.org says how long until its per-minute counter resets in a header of its own.
RETRY_AFTER_HEADERS = ("Retry-After", "X-RequestCounter-Reset")

STATUSES: dict[str, MatchStatus] = {
    "SCHEDULED": MatchStatus.SCHEDULED,
    "TIMED": MatchStatus.SCHEDULED,
    "IN_PLAY": MatchStatus.LIVE,
    "PAUSED": MatchStatus.LIVE,
    "EXTRA_TIME": MatchStatus.LIVE,
    "PENALTY_SHOOTOUT": MatchStatus.LIVE,
    "LIVE": MatchStatus.LIVE,
    "FINISHED": MatchStatus.FINISHED,
    "SUSPENDED": MatchStatus.SUSPENDED,
    "POSTPONED": MatchStatus.POSTPONED,
    "CANCELLED": MatchStatus.CANCELLED,
    "AWARDED": MatchStatus.AWARDED,
}
ENDINGS: dict[str, Ending] = {
    "REGULAR": Ending.REGULAR,
    "EXTRA_TIME": Ending.EXTRA_TIME,
    "PENALTY_SHOOTOUT": Ending.PENALTIES,
}
_WITH_SCORE = frozenset({MatchStatus.LIVE, MatchStatus.FINISHED, MatchStatus.AWARDED})
_RESULT = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED})


class _Team(Payload):
    id: ExternalId | None = None
    name: str | None = None
    tla: str | None = None


class _Goals(Payload):
    home: NonNegativeInt | None = None
    away: NonNegativeInt | None = None

    def pair(self) -> Score | None:
        if self.home is None or self.away is None:
            return None
        return Score(self.home, self.away)


class _Score(Payload):
    duration: str = "REGULAR"
    fullTime: _Goals = _Goals()
    regularTime: _Goals | None = None
    extraTime: _Goals | None = None
    penalties: _Goals | None = None


class _Match(Payload):
    id: ExternalId
    utcDate: AwareDatetime
    status: str
    matchday: NonNegativeInt | None = None
    stage: str | None = None
    group: str | None = None
    lastUpdated: AwareDatetime | None = None
    homeTeam: _Team
    awayTeam: _Team
    score: _Score = _Score()


class _Matches(Payload):
    matches: list[_Match]


def _group(group: str | None) -> str | None:
    if not group:
        return None
    letter = re.fullmatch(r"GROUP_(\w+)", group)
    return f"Group {letter[1]}" if letter else sentence(group)


def round_of(stage: str | None, matchday: int | None) -> RoundInfo:
    stage = stage or "REGULAR_SEASON"
    reference = stage if matchday is None else f"{stage}:{matchday}"
    if stage == "REGULAR_SEASON":
        if matchday is None:
            return RoundInfo("regular-season", "Regular season", RoundKind.LEAGUE, reference)
        return RoundInfo(
            f"matchday-{matchday}", f"Matchday {matchday}", RoundKind.LEAGUE, reference
        )
    kind = {"GROUP_STAGE": RoundKind.GROUP, "LEAGUE_STAGE": RoundKind.LEAGUE}.get(
        stage, RoundKind.KNOCKOUT
    )
    slug, label = slugify(stage), sentence(stage)
    if matchday is not None:
        slug, label = f"{slug}-{matchday}", f"{label}, matchday {matchday}"
    return RoundInfo(slug, label, kind, reference)


def _add(first: Score, second: Score | None) -> Score:
    return first if second is None else Score(first.home + second.home, first.away + second.away)


def _table_score(match: _Match, status: MatchStatus, path: str) -> Score | None:
    """The score for the table; required for results, best effort while live."""
    score = match.score
    if status not in _WITH_SCORE:
        return None
    required = status in _RESULT
    if score.duration == "REGULAR":
        table = score.fullTime.pair()
        missing = f"{path}.score.fullTime"
    else:
        regular = score.regularTime.pair() if score.regularTime else None
        extra = score.extraTime.pair() if score.extraTime else None
        if regular is not None:
            table = _add(regular, extra)
        elif score.duration == "EXTRA_TIME":
            # Without a shoot-out, fullTime is the score after extra time.
            table = score.fullTime.pair()
        else:
            table = None
        missing = f"{path}.score.regularTime"
    if table is None and required:
        raise format_error(PROVIDER, missing, f"no score for a {status} match")
    return table


def _parse_match(match: _Match, path: str) -> ParsedMatch | None:
    status = STATUSES.get(match.status)
    if status is None:
        raise format_error(PROVIDER, f"{path}.status", f"unknown status {match.status!r}")
    home, away = match.homeTeam, match.awayTeam
    if home.id is None or away.id is None:
        return None  # a tie whose teams are not decided yet
    ended = None
    shootout = None
    if status is MatchStatus.FINISHED:
        ended = ENDINGS.get(match.score.duration)
        if ended is None:
            raise format_error(
                PROVIDER, f"{path}.score.duration", f"unknown duration {match.score.duration!r}"
            )
        if ended is Ending.PENALTIES:
            shootout = match.score.penalties.pair() if match.score.penalties else None
            if shootout is None:
                raise format_error(
                    PROVIDER, f"{path}.score.penalties", "no shoot-out score after penalties"
                )
    group = _group(match.group)
    return ParsedMatch(
        round=round_of(match.stage, match.matchday),
        home=SourceTeam(home.id, home.name or home.id, home.tla),
        away=SourceTeam(away.id, away.name or away.id, away.tla),
        observation=Observation(
            external_id=match.id,
            status=status,
            score=_table_score(match, status, path),
            ended=ended,
            shootout=shootout,
            kickoff=match.utcDate,
            changed_at=match.lastUpdated,
        ),
        group=group,
    )


def parse_matches(raw: bytes | str) -> list[ParsedMatch]:
    """The matches of a `{"matches": [...]}` answer, or of one match (`/v4/matches/{id}`)."""
    data = load_json(PROVIDER, raw)
    if isinstance(data, dict) and "matches" not in data and "utcDate" in data:
        data = {"matches": [data]}
    payload = validate(PROVIDER, _Matches, data)
    if not payload.matches:
        raise format_error(PROVIDER, "matches", "no matches in the answer")
    parsed = (_parse_match(match, f"matches[{i}]") for i, match in enumerate(payload.matches))
    return [match for match in parsed if match is not None]


_REFERENCE = re.compile(r"^(?P<code>[A-Za-z0-9]+)(?:/(?P<season>\d{4}))?$")


@frozen
class FootballDataReference:
    competition: str
    season: str | None

    @classmethod
    def parse(cls, reference: str) -> FootballDataReference:
        found = _REFERENCE.fullmatch(reference.strip())
        if found is None:
            raise InvalidInput(
                f"football_data reference {reference!r}: expected CODE/SEASON (e.g. PL/2024)"
            )
        return cls(found["code"].upper(), found["season"])

    @property
    def matches_path(self) -> str:
        return f"/v4/competitions/{self.competition}/matches"

    def params(self, **more: str) -> dict[str, str]:
        season = {"season": self.season} if self.season else {}
        return season | more


class FootballDataSource:
    """`ResultSource` over football-data.org v4."""

    def __init__(self, client: ProviderClient) -> None:
        self._client = client

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fixtures(self, reference: str) -> Fixtures:
        ref = FootballDataReference.parse(reference)
        with reference_known():
            raw = await self._client.get_bytes(ref.matches_path, ref.params())
        return assemble_fixtures(PROVIDER, parse_matches(raw))

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        ref = FootballDataReference.parse(reference)
        stage, _, matchday = round_.reference.partition(":")
        if stage and matchday.isdigit():
            params = ref.params(stage=stage, matchday=matchday)
        elif matches:
            first = min(match.kickoff for match in matches)
            last = max(match.kickoff for match in matches) + timedelta(days=1)
            params = ref.params(dateFrom=_day(first), dateTo=_day(last))
        elif stage:
            params = ref.params(stage=stage)
        else:
            return []
        raw = await self._client.get_bytes(ref.matches_path, params)
        return round_observations(
            parse_matches(raw), round_.slug, (match.external_id for match in matches)
        )


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


TOKEN = Setting[str | None](
    "token",
    "FOOTBALL_DATA_TOKEN",
    str,
    None,
    "The API key football-data.org sends on registering.",
    "fd-token-abcdef123456",
    secret=True,
)


def _build(wiring: Wiring) -> FootballDataSource:
    token = TOKEN.of(wiring.settings)
    # Credentials go only to the configured origin; redirects elsewhere are not followed.
    return FootballDataSource(wiring.client(credentials={AUTH_HEADER: token} if token else {}))


DECLARATION = Provider(
    name=PROVIDER,
    title="football-data.org v4",
    build=_build,
    reference=Reference("CODE/SEASON", "PL/2024", "token from FOOTBALL_DATA_TOKEN"),
    parser=parse_matches,
    payload="a football-data.org matches answer",
    base_url=DEFAULT_BASE_URL,
    rate_limit=RateLimit(10, 60.0),  # what the free plan allows
    retry_after_headers=RETRY_AFTER_HEADERS,
    settings=(TOKEN,),
)
