"""SofaScore's web API: a season's rounds and the events of each round.

Reference `UNIQUE_TOURNAMENT/SEASON` (`17/61627`).
SofaScore blocks most robots (403 and a `challenge` body): `SourceBlocked`, never retried.
`homeScore.current` includes shoot-out goals; the table score is `display`.
Rounds and the status table: docs/sources.md, "SofaScore".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen
from pydantic import NonNegativeInt

from adapters.sources.declaration import Provider, Reference, Wiring
from adapters.sources.parsed import (
    ParsedMatch,
    RoundInfo,
    assemble_fixtures,
    round_observations,
    sentence,
    slugify,
)
from adapters.sources.payload import (
    ExternalId,
    Payload,
    UnixTime,
    format_error,
    from_timestamp,
    load_json,
    validate,
)
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

PROVIDER = "sofascore"
DEFAULT_BASE_URL = "https://www.sofascore.com/api/v1"

CODES: dict[int, tuple[MatchStatus, Ending | None]] = {
    0: (MatchStatus.SCHEDULED, None),
    61: (MatchStatus.SCHEDULED, None),
    60: (MatchStatus.POSTPONED, None),
    70: (MatchStatus.CANCELLED, None),
    80: (MatchStatus.SUSPENDED, None),
    90: (MatchStatus.SUSPENDED, None),
    100: (MatchStatus.FINISHED, Ending.REGULAR),
    110: (MatchStatus.FINISHED, Ending.EXTRA_TIME),
    120: (MatchStatus.FINISHED, Ending.PENALTIES),
} | dict.fromkeys((6, 7, 20, 31, 32, 33, 34, 40, 41, 42, 50), (MatchStatus.LIVE, None))
TYPES: dict[str, MatchStatus] = {
    "notstarted": MatchStatus.SCHEDULED,
    "inprogress": MatchStatus.LIVE,
    "postponed": MatchStatus.POSTPONED,
    "canceled": MatchStatus.CANCELLED,
    "interrupted": MatchStatus.SUSPENDED,
}
_SHOOTOUT_CODES = frozenset({50, 120})  # `current` then counts shoot-out goals
_WITH_SCORE = frozenset({MatchStatus.LIVE, MatchStatus.FINISHED})


def status_of(code: int, type_: str) -> tuple[MatchStatus, Ending | None] | None:
    if code in CODES:
        return CODES[code]
    by_type = TYPES.get(type_)
    return None if by_type is None else (by_type, None)


class _Status(Payload):
    code: int
    type: str = ""


class _Team(Payload):
    id: ExternalId
    name: str
    nameCode: str | None = None


class _Score(Payload):
    current: NonNegativeInt | None = None
    display: NonNegativeInt | None = None
    normaltime: NonNegativeInt | None = None
    extra1: NonNegativeInt | None = None
    extra2: NonNegativeInt | None = None
    penalties: NonNegativeInt | None = None

    def for_table(self, code: int) -> int | None:
        if self.display is not None:
            return self.display
        if self.normaltime is not None:
            return self.normaltime + (self.extra1 or 0) + (self.extra2 or 0)
        return None if code in _SHOOTOUT_CODES else self.current


class _RoundInfo(Payload):
    round: NonNegativeInt | None = None
    name: str | None = None
    slug: str | None = None


class _Tournament(Payload):
    isGroup: bool = False
    groupName: str | None = None


class _Changes(Payload):
    changeTimestamp: UnixTime | None = None


class _Event(Payload):
    id: ExternalId
    startTimestamp: UnixTime
    status: _Status
    homeTeam: _Team
    awayTeam: _Team
    homeScore: _Score = _Score()
    awayScore: _Score = _Score()
    roundInfo: _RoundInfo
    tournament: _Tournament = _Tournament()
    changes: _Changes | None = None


class _Events(Payload):
    events: list[_Event]


class _OneEvent(Payload):
    event: _Event


class _SeasonRound(Payload):
    round: NonNegativeInt
    slug: str | None = None


class _Rounds(Payload):
    rounds: list[_SeasonRound]


def _round(event: _Event, path: str) -> tuple[RoundInfo, str | None]:
    info = event.roundInfo
    group = event.tournament.groupName if event.tournament.isGroup else None
    if info.slug:
        reference = info.slug if info.round is None else f"{info.round}/{info.slug}"
        label = info.name or sentence(info.slug)
        return RoundInfo(slugify(info.slug), label, RoundKind.KNOCKOUT, reference), group
    if info.round is None:
        raise format_error(PROVIDER, f"{path}.roundInfo.round", "Field required")
    kind = RoundKind.GROUP if group else RoundKind.LEAGUE
    n = info.round
    return RoundInfo(f"matchday-{n}", f"Matchday {n}", kind, str(n)), group


def _parse_event(event: _Event, path: str) -> ParsedMatch:
    code = event.status.code
    mapped = status_of(code, event.status.type)
    if mapped is None:
        raise format_error(
            PROVIDER,
            f"{path}.status.code",
            f"unknown status code {code} of type {event.status.type!r}",
        )
    status, ended = mapped
    score = None
    if status in _WITH_SCORE:
        home, away = event.homeScore.for_table(code), event.awayScore.for_table(code)
        if home is not None and away is not None:
            score = Score(home, away)
        elif status is MatchStatus.FINISHED:
            side = "homeScore" if home is None else "awayScore"
            raise format_error(PROVIDER, f"{path}.{side}.display", "no score for a finished match")
    shootout = None
    if ended is Ending.PENALTIES:
        home_pens, away_pens = event.homeScore.penalties, event.awayScore.penalties
        if home_pens is None or away_pens is None:
            side = "homeScore" if home_pens is None else "awayScore"
            raise format_error(
                PROVIDER, f"{path}.{side}.penalties", "no shoot-out score after penalties"
            )
        shootout = Score(home_pens, away_pens)
    round_info, group = _round(event, path)
    changed = event.changes.changeTimestamp if event.changes else None
    return ParsedMatch(
        round=round_info,
        home=SourceTeam(event.homeTeam.id, event.homeTeam.name, event.homeTeam.nameCode),
        away=SourceTeam(event.awayTeam.id, event.awayTeam.name, event.awayTeam.nameCode),
        observation=Observation(
            external_id=event.id,
            status=status,
            score=score,
            ended=ended,
            shootout=shootout,
            kickoff=from_timestamp(event.startTimestamp),
            changed_at=from_timestamp(changed) if changed is not None else None,
        ),
        group=group,
    )


def parse_events(raw: bytes | str) -> list[ParsedMatch]:
    """The matches of a round's `{"events": [...]}` or of one event's `{"event": {...}}`."""
    data = load_json(PROVIDER, raw)
    if isinstance(data, dict) and "event" in data and "events" not in data:
        one = validate(PROVIDER, _OneEvent, data)
        return [_parse_event(one.event, "event")]
    payload = validate(PROVIDER, _Events, data)
    if not payload.events:
        raise format_error(PROVIDER, "events", "no events in the round")
    return [_parse_event(event, f"events[{i}]") for i, event in enumerate(payload.events)]


def parse_rounds(raw: bytes | str) -> list[tuple[int, str | None]]:
    """A season's rounds: `(number, knockout slug or None)`."""
    payload = validate(PROVIDER, _Rounds, load_json(PROVIDER, raw))
    if not payload.rounds:
        raise format_error(PROVIDER, "rounds", "no rounds in the season")
    return [(r.round, r.slug) for r in payload.rounds]


_REFERENCE = re.compile(r"^(?P<tournament>\d+)/(?P<season>\d+)$")
_ROUND_REFERENCE = re.compile(r"^(?P<round>\d+)(?:/(?P<slug>[a-z0-9-]+))?$")


@frozen
class SofascoreReference:
    unique_tournament: str
    season: str

    @classmethod
    def parse(cls, reference: str) -> SofascoreReference:
        found = _REFERENCE.fullmatch(reference.strip())
        if found is None:
            raise InvalidInput(
                f"sofascore reference {reference!r}: expected UNIQUE_TOURNAMENT/SEASON "
                "(e.g. 17/61627)"
            )
        return cls(found["tournament"], found["season"])

    @property
    def season_path(self) -> str:
        return f"/unique-tournament/{self.unique_tournament}/season/{self.season}"

    def round_path(self, number: int, slug: str | None) -> str:
        path = f"{self.season_path}/events/round/{number}"
        return f"{path}/slug/{slug}" if slug else path


class SofascoreSource:
    """`ResultSource` over SofaScore's web API (often blocked: see the module docstring)."""

    def __init__(self, client: ProviderClient) -> None:
        self._client = client

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fixtures(self, reference: str) -> Fixtures:
        ref = SofascoreReference.parse(reference)
        with reference_known():
            rounds = parse_rounds(await self._client.get_bytes(f"{ref.season_path}/rounds"))
        matches: list[ParsedMatch] = []
        for number, slug in rounds:
            matches += parse_events(await self._client.get_bytes(ref.round_path(number, slug)))
        return assemble_fixtures(PROVIDER, matches)

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        ref = SofascoreReference.parse(reference)
        stored = [match.external_id for match in matches]
        found = _ROUND_REFERENCE.fullmatch(round_.reference)
        if found is not None:
            path = ref.round_path(int(found["round"]), found["slug"])
            parsed = parse_events(await self._client.get_bytes(path))
        else:
            parsed = []
            for external_id in stored:
                parsed += parse_events(await self._client.get_bytes(f"/event/{external_id}"))
        return round_observations(parsed, round_.slug, stored)


def _build(wiring: Wiring) -> SofascoreSource:
    return SofascoreSource(wiring.client())


DECLARATION = Provider(
    name=PROVIDER,
    title="SofaScore",
    build=_build,
    reference=Reference("TOURNAMENT/SEASON", "17/61627", "often refused: SofaScore blocks robots"),
    parser=parse_events,
    payload="a SofaScore event or round",
    base_url=DEFAULT_BASE_URL,
    rate_limit=RateLimit(20, 60.0),
)
