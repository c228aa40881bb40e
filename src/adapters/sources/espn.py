"""ESPN's site API (no key): scoreboards by date range per league code.

Reference `LEAGUE:FIRST-LAST` or `LEAGUE:DAY` (`eng.1:20250815-20260524`).
ESPN has no matchdays: a league round is an ESPN day, which is a US Eastern day.
Rounds and the status table: docs/sources.md, "ESPN".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

from attrs import frozen
from pydantic import AwareDatetime, BeforeValidator, Field, NonNegativeInt

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
    format_error,
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

PROVIDER = "espn"
DEFAULT_BASE_URL = "https://site.api.espn.com"
ESPN_DAYS = ZoneInfo("America/New_York")

_LIVE = frozenset(
    {
        "STATUS_FIRST_HALF",
        "STATUS_HALFTIME",
        "STATUS_SECOND_HALF",
        "STATUS_END_OF_REGULATION",
        "STATUS_OVERTIME",
        "STATUS_FIRST_HALF_EXTRA_TIME",
        "STATUS_HALFTIME_ET",
        "STATUS_SECOND_HALF_EXTRA_TIME",
        "STATUS_END_OF_EXTRATIME",
        "STATUS_SHOOTOUT",
        "STATUS_IN_PROGRESS",
        "STATUS_END_PERIOD",
    }
)
_FIXED: dict[str, tuple[MatchStatus, Ending | None]] = {
    "STATUS_SCHEDULED": (MatchStatus.SCHEDULED, None),
    "STATUS_TBD": (MatchStatus.SCHEDULED, None),
    "STATUS_FULL_TIME": (MatchStatus.FINISHED, Ending.REGULAR),
    "STATUS_FINAL": (MatchStatus.FINISHED, Ending.REGULAR),
    "STATUS_FINAL_AET": (MatchStatus.FINISHED, Ending.EXTRA_TIME),
    "STATUS_FINAL_PEN": (MatchStatus.FINISHED, Ending.PENALTIES),
    "STATUS_POSTPONED": (MatchStatus.POSTPONED, None),
    "STATUS_CANCELED": (MatchStatus.CANCELLED, None),
    "STATUS_ABANDONED": (MatchStatus.SUSPENDED, None),
    "STATUS_SUSPENDED": (MatchStatus.SUSPENDED, None),
    "STATUS_FORFEIT": (MatchStatus.AWARDED, None),
} | dict.fromkeys(_LIVE, (MatchStatus.LIVE, None))
_BY_STATE = {"pre": MatchStatus.SCHEDULED, "in": MatchStatus.LIVE}
_DELAYED = frozenset({"STATUS_DELAYED", "STATUS_RAIN_DELAY"})
_WITH_SCORE = frozenset({MatchStatus.LIVE, MatchStatus.FINISHED, MatchStatus.AWARDED})

# Season slugs of knockout stages ("round-of-16", "quarterfinals", "final", "3rd-place" ...).
_KNOCKOUT_WORDS = (
    "final",
    "round-of",
    "quarter",
    "semi",
    "playoff",
    "play-off",
    "knockout",
    "third-place",
    "3rd-place",
)


def status_of(name: str, state: str) -> tuple[MatchStatus, Ending | None] | None:
    """The lifecycle status and ending of an ESPN status, or None when it cannot be told."""
    if name in _DELAYED:
        return (MatchStatus.LIVE if state == "in" else MatchStatus.SCHEDULED), None
    if name in _FIXED:
        return _FIXED[name]
    by_state = _BY_STATE.get(state)
    return None if by_state is None else (by_state, None)


def _score_value(value: object) -> object:
    # Scoreboards send "3"; team schedules send {"value": 3.0, "displayValue": "3"}.
    if isinstance(value, dict):
        value = value.get("value", value.get("displayValue"))
    if isinstance(value, str):
        value = value.strip() or None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


ScoreValue = Annotated[NonNegativeInt | None, BeforeValidator(_score_value)]


class _StatusType(Payload):
    name: str
    state: str = ""
    completed: bool = False


class _Status(Payload):
    type: _StatusType


class _Team(Payload):
    id: ExternalId
    displayName: str
    abbreviation: str | None = None


class _Competitor(Payload):
    homeAway: str
    team: _Team
    score: ScoreValue = None
    shootoutScore: ScoreValue = None


class _Competition(Payload):
    status: _Status | None = None
    competitors: list[_Competitor]


class _Season(Payload):
    slug: str | None = None


class _Event(Payload):
    id: ExternalId
    date: AwareDatetime
    status: _Status | None = None
    season: _Season | None = None
    competitions: Annotated[list[_Competition], Field(min_length=1)]


class _Scoreboard(Payload):
    events: list[_Event]


def espn_day(moment: datetime) -> date:
    """The day ESPN files a match under: its kickoff's date in US Eastern time."""
    return moment.astimezone(ESPN_DAYS).date()


def _round(event: _Event, kickoff: datetime) -> RoundInfo:
    slug = event.season.slug if event.season is not None else None
    if slug and any(word in slug.lower() for word in _KNOCKOUT_WORDS):
        return RoundInfo(slugify(slug), sentence(slug), RoundKind.KNOCKOUT, slug)
    day = espn_day(kickoff)
    return RoundInfo(
        f"day-{day.isoformat()}", f"{day.day} {day:%B %Y}", RoundKind.LEAGUE, f"{day:%Y%m%d}"
    )


def _team(team: _Team) -> SourceTeam:
    return SourceTeam(team.id, team.displayName, team.abbreviation)


def _both(
    pair: tuple[tuple[int, _Competitor], tuple[int, _Competitor]],
    name: str,
    cpath: str,
    message: str,
) -> Score | None:
    """Both sides' value of `name` as a Score; None when neither has one."""
    (home_at, home), (away_at, away) = pair
    home_value, away_value = getattr(home, name), getattr(away, name)
    if home_value is None and away_value is None:
        return None
    if home_value is None or away_value is None:
        at = home_at if home_value is None else away_at
        raise format_error(PROVIDER, f"{cpath}.competitors[{at}].{name}", message)
    return Score(home_value, away_value)


def _parse_event(event: _Event, path: str) -> ParsedMatch:
    competition = event.competitions[0]
    cpath = f"{path}.competitions[0]"
    status = competition.status or event.status
    if status is None:
        raise format_error(PROVIDER, f"{cpath}.status", "Field required")
    mapped = status_of(status.type.name, status.type.state)
    if mapped is None:
        raise format_error(
            PROVIDER,
            f"{cpath}.status.type.name",
            f"unknown status {status.type.name!r} with state {status.type.state!r}",
        )
    lifecycle, ended = mapped

    sides = {c.homeAway: (i, c) for i, c in enumerate(competition.competitors)}
    if len(competition.competitors) != 2 or set(sides) != {"home", "away"}:
        raise format_error(
            PROVIDER, f"{cpath}.competitors", "expected one home and one away competitor"
        )
    (home_at, home), (away_at, away) = sides["home"], sides["away"]

    pair = ((home_at, home), (away_at, away))
    score = _both(pair, "score", cpath, f"no score for a {lifecycle} match")
    shootout = _both(
        pair, "shootoutScore", cpath, "no shoot-out score for a match decided on penalties"
    )
    if lifecycle not in _WITH_SCORE:
        score = None  # a scheduled or postponed match shows "0"; it has no score
    if ended is not Ending.PENALTIES:
        shootout = None
    elif shootout is None:
        raise format_error(
            PROVIDER,
            f"{cpath}.competitors[{home_at}].shootoutScore",
            "no shoot-out score for a match decided on penalties",
        )
    if lifecycle in _WITH_SCORE and score is None:
        raise format_error(
            PROVIDER, f"{cpath}.competitors[{home_at}].score", f"no score for a {lifecycle} match"
        )

    return ParsedMatch(
        round=_round(event, event.date),
        home=_team(home.team),
        away=_team(away.team),
        observation=Observation(
            external_id=event.id,
            status=lifecycle,
            score=score,
            ended=ended,
            shootout=shootout,
            kickoff=event.date,
        ),
    )


def parse_scoreboard(raw: bytes | str) -> list[ParsedMatch]:
    """The matches of an ESPN scoreboard payload (`{"events": [...]}`)."""
    board = validate(PROVIDER, _Scoreboard, load_json(PROVIDER, raw))
    if not board.events:
        # We only ask for days and ranges that have matches: none means a wrong reference.
        raise format_error(PROVIDER, "events", "no events in the scoreboard")
    return [_parse_event(event, f"events[{i}]") for i, event in enumerate(board.events)]


_REFERENCE = re.compile(r"^(?P<league>[a-z0-9_.]+):(?P<first>\d{8})(?:-(?P<last>\d{8}))?$")


@frozen
class EspnReference:
    league: str
    first: date
    last: date

    @classmethod
    def parse(cls, reference: str) -> EspnReference:
        found = _REFERENCE.fullmatch(reference.strip())
        try:
            if found is None:
                raise ValueError("expected LEAGUE:YYYYMMDD-YYYYMMDD")
            first = datetime.strptime(found["first"], "%Y%m%d").date()
            last = datetime.strptime(found["last"] or found["first"], "%Y%m%d").date()
        except ValueError as error:
            raise InvalidInput(
                f"espn reference {reference!r}: {error} (e.g. eng.1:20250815-20260524)"
            ) from error
        if last < first:
            raise InvalidInput(f"espn reference {reference!r}: the range ends before it starts")
        return cls(found["league"], first, last)

    @property
    def scoreboard_path(self) -> str:
        return f"/apis/site/v2/sports/soccer/{self.league}/scoreboard"


def _dates(first: date, last: date) -> str:
    return f"{first:%Y%m%d}-{last:%Y%m%d}"


class EspnSource:
    """`ResultSource` over ESPN's site API."""

    def __init__(self, client: ProviderClient) -> None:
        self._client = client

    @property
    def provider(self) -> str:
        return PROVIDER

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _scoreboard(self, reference: EspnReference, first: date, last: date) -> bytes:
        return await self._client.get_bytes(
            reference.scoreboard_path, {"dates": _dates(first, last), "limit": "1000"}
        )

    async def fixtures(self, reference: str) -> Fixtures:
        ref = EspnReference.parse(reference)
        with reference_known():
            raw = await self._scoreboard(ref, ref.first, ref.last)
        return assemble_fixtures(PROVIDER, parse_scoreboard(raw))

    async def round_observations(
        self, reference: str, round_: Round, matches: Sequence[Match]
    ) -> Sequence[Observation]:
        ref = EspnReference.parse(reference)
        days = [espn_day(match.kickoff) for match in matches]
        if not days and re.fullmatch(r"\d{8}", round_.reference):
            days = [datetime.strptime(round_.reference, "%Y%m%d").date()]
        if not days:
            return []
        one_day = timedelta(days=1)
        raw = await self._scoreboard(ref, min(days) - one_day, max(days) + one_day)
        return round_observations(
            parse_scoreboard(raw), round_.slug, (match.external_id for match in matches)
        )


def _build(wiring: Wiring) -> EspnSource:
    return EspnSource(wiring.client())


DECLARATION = Provider(
    name=PROVIDER,
    title="ESPN site API",
    build=_build,
    reference=Reference("LEAGUE:FIRST-LAST", "eng.1:20250815-20260524", "ESPN days, YYYYMMDD"),
    parser=parse_scoreboard,
    payload="an ESPN scoreboard",
    base_url=DEFAULT_BASE_URL,
    rate_limit=RateLimit(30, 60.0),
)
