"""openfootball JSON files (club leagues, World Cups, Euros), read for `bestshot table` and the
openfootball source: `parse_openfootball` turns a file into plain values, `standings_input` into
the engine's teams and matches. The shapes and fields read are in docs/sources.md (openfootball).
"""

import enum
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from adapters.files.standings_input import StandingsInput
from bestshot_domain.errors import SourceFormatError
from bestshot_domain.standings import (
    Cards,
    KnockoutMatch,
    MatchResult,
    TeamEntry,
    is_knockout_round,
)

PROVIDER = "openfootball"
MAX_GOALS = 99  # no real score goes past it; a bigger number is a typo or a shifted column

Goals = tuple[int, int]


class Status(enum.StrEnum):
    CANCELLED = "cancelled"  # never to be played: in no table, not a remaining fixture
    AWARDED = "awarded"  # the score is the awarded result, which counts
    POSTPONED = "postponed"  # still to be played, whatever score the file holds


_STATUS_SPELLINGS = {"canceled": Status.CANCELLED}


class OpenfootballTeam(NamedTuple):
    name: str
    code: str | None = None


class OpenfootballMatch(NamedTuple):
    team1: OpenfootballTeam
    team2: OpenfootballTeam
    round: str | None = None
    kickoff: datetime | None = None  # in UTC; a time without a zone is taken as UTC
    full_time: Goals | None = None
    extra_time: Goals | None = None  # the score after extra time, when there was some
    penalties: Goals | None = None  # the shoot-out, never part of a table
    group: str | None = None
    status: Status | None = None
    cards1: Cards | None = None
    cards2: Cards | None = None
    num: int | None = None

    @property
    def score(self) -> Goals | None:
        """The score that counts: after extra time when there was some, else at full time."""
        return self.extra_time or self.full_time


class OpenfootballFile(NamedTuple):
    name: str
    matches: tuple[OpenfootballMatch, ...]


def parse_openfootball(data: object, origin: str = "") -> OpenfootballFile:
    """One file's decoded JSON as plain values; SourceFormatError names where it is wrong.

    `origin` (a file name or URL) prefixes every error message.
    """
    reader = _Reader(origin)
    if not isinstance(data, Mapping):
        raise reader.error("", "expected a JSON object with `matches` or `rounds`")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise reader.error("name", "expected a string")
    matches: list[OpenfootballMatch] = []
    if "matches" in data:
        for position, raw in enumerate(reader.array(data["matches"], "matches")):
            matches.append(reader.match(raw, f"matches[{position}]", None))
    elif "rounds" in data:
        for r, round_ in enumerate(reader.array(data["rounds"], "rounds")):
            where = f"rounds[{r}]"
            if not isinstance(round_, Mapping):
                raise reader.error(where, "expected an object")
            round_name = round_.get("name")
            if round_name is not None and not isinstance(round_name, str):
                raise reader.error(f"{where}.name", "expected a string")
            for m, raw in enumerate(reader.array(round_.get("matches", []), f"{where}.matches")):
                matches.append(reader.match(raw, f"{where}.matches[{m}]", round_name))
    else:
        raise reader.error("", "expected `matches` or `rounds`")
    return OpenfootballFile(name, tuple(matches))


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?:\s*UTC\s*([+-])(\d{1,2})(?::?(\d{2}))?)?$")


class _Reader:
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def error(self, path: str, message: str) -> SourceFormatError:
        prefix = f"{self.origin}: " if self.origin else ""
        return SourceFormatError(PROVIDER, path, prefix + message)

    def array(self, value: object, path: str) -> Sequence[Any]:
        if not isinstance(value, list):
            raise self.error(path, "expected an array")
        return value

    def match(self, raw: object, path: str, round_name: str | None) -> OpenfootballMatch:
        if not isinstance(raw, Mapping):
            raise self.error(path, "expected an object")
        round_value = raw.get("round", round_name)
        group = raw.get("group")
        if group is not None and not isinstance(group, str):
            raise self.error(f"{path}.group", "expected a string")
        num = raw.get("num")
        if num is not None and (isinstance(num, bool) or not isinstance(num, int)):
            raise self.error(f"{path}.num", "expected an integer")
        full_time, extra_time, penalties = self.scores(raw, path)
        cards1, cards2 = self.cards(raw.get("cards"), f"{path}.cards")
        team1 = self.team(raw.get("team1"), f"{path}.team1")
        team2 = self.team(raw.get("team2"), f"{path}.team2")
        if team1.name == team2.name:
            raise self.error(path, f"{team1.name!r} cannot play itself")
        return OpenfootballMatch(
            team1=team1,
            team2=team2,
            round=round_value if isinstance(round_value, str) else None,
            kickoff=self.kickoff(raw, path),
            full_time=full_time,
            extra_time=extra_time,
            penalties=penalties,
            group=group,
            status=self.status(raw.get("status"), f"{path}.status"),
            cards1=cards1,
            cards2=cards2,
            num=num,
        )

    def team(self, value: object, path: str) -> OpenfootballTeam:
        if isinstance(value, str) and value.strip():
            return OpenfootballTeam(value.strip())
        if isinstance(value, Mapping):
            name, code = value.get("name"), value.get("code")
            if not isinstance(name, str) or not name.strip():
                raise self.error(f"{path}.name", "expected a team name")
            if code is not None and not isinstance(code, str):
                raise self.error(f"{path}.code", "expected a string")
            return OpenfootballTeam(name.strip(), code)
        raise self.error(path, "expected a team name or {name, code}")

    def goals(self, value: object, path: str) -> Goals | None:
        if value is None or value == []:
            return None
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(g, int) and not isinstance(g, bool) for g in value)
            and all(0 <= g <= MAX_GOALS for g in value)
        ):
            return (value[0], value[1])
        raise self.error(
            path, f"expected two non-negative integers up to {MAX_GOALS} goals, got {value!r}"
        )

    def scores(self, raw: Mapping[str, Any], path: str) -> tuple[Goals | None, ...]:
        score = raw.get("score")
        if isinstance(score, Mapping):
            return tuple(
                self.goals(score.get(key), f"{path}.score.{key}") for key in ("ft", "et", "p")
            )
        if score is not None:
            raise self.error(f"{path}.score", "expected an object")
        # The older flat shape.
        return tuple(
            self.goals(
                None
                if raw.get(f"score1{suffix}") is None
                else [raw.get(f"score1{suffix}"), raw.get(f"score2{suffix}")],
                f"{path}.score1{suffix}",
            )
            for suffix in ("", "et", "p")
        )

    def kickoff(self, raw: Mapping[str, Any], path: str) -> datetime | None:
        day = raw.get("date")
        if day is None:
            return None
        if not isinstance(day, str):
            raise self.error(f"{path}.date", "expected YYYY-MM-DD")
        try:
            kickoff = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
        except ValueError:
            raise self.error(f"{path}.date", f"expected YYYY-MM-DD, got {day!r}") from None
        time = raw.get("time")
        if time is None:
            return kickoff
        found = _TIME.fullmatch(time.strip()) if isinstance(time, str) else None
        if found is None:
            raise self.error(
                f"{path}.time", f"expected HH:MM with an optional UTC offset, got {time!r}"
            )
        hour, minute, sign, offset_hours, offset_minutes = found.groups()
        if int(hour) > 23 or int(minute) > 59:
            raise self.error(f"{path}.time", f"no such time {time!r}")
        offset = timedelta(hours=int(offset_hours or 0), minutes=int(offset_minutes or 0))
        zone = timezone(-offset if sign == "-" else offset)
        local = kickoff.replace(hour=int(hour), minute=int(minute), tzinfo=zone)
        return local.astimezone(UTC)

    def status(self, value: object, path: str) -> Status | None:
        if value is None:
            return None
        if isinstance(value, str):
            spelled = value.strip().lower()
            if spelled in _STATUS_SPELLINGS:
                return _STATUS_SPELLINGS[spelled]
            try:
                return Status(spelled)
            except ValueError:
                pass
        known = ", ".join(status.value for status in Status)
        raise self.error(path, f"unknown status {value!r} (known: {known})")

    def cards(self, value: object, path: str) -> tuple[Cards | None, Cards | None]:
        if value is None:
            return None, None
        if not isinstance(value, Mapping):
            raise self.error(path, "expected an object with team1 and team2")
        return self.side_cards(value.get("team1"), f"{path}.team1"), self.side_cards(
            value.get("team2"), f"{path}.team2"
        )

    def side_cards(self, value: object, path: str) -> Cards | None:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(path, "expected an object of card counts")
        counts: dict[str, int] = {}
        for key in ("yellow", "second_yellow_red", "red", "yellow_and_red"):
            count = value.get(key, 0)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise self.error(f"{path}.{key}", "expected a non-negative integer")
            counts[key] = count
        unknown = sorted(set(value) - set(counts))
        if unknown:
            raise self.error(f"{path}.{unknown[0]}", "unknown card category")
        return Cards(**counts)


def standings_input(parsed: OpenfootballFile, origin: str = "") -> StandingsInput:
    """The engine's teams, table matches and knockout matches.

    In a file with groups, group matches count for their group's table and matches without a
    group are knockout matches (one whose round is not a knockout round is refused). Cancelled
    matches are dropped; postponed ones and those without a score are still to be played; an
    awarded score counts like a played one. A table counts a match after extra time with its
    score after extra time, never with its shoot-out. The same two teams on the same day twice
    is refused, naming both places.
    """
    grouped = any(match.group is not None for match in parsed.matches)
    group_of: dict[str, str | None] = {}
    matches: list[MatchResult] = []
    knockouts: list[KnockoutMatch] = []
    seen: dict[tuple[frozenset[str], object], int] = {}
    prefix = f"{origin}: " if origin else ""
    for position, match in enumerate(parsed.matches):
        if match.status is Status.CANCELLED:
            continue
        home, away = match.team1.name, match.team2.name
        if match.kickoff is not None:
            key = (frozenset((home, away)), match.kickoff.date())
            if key in seen:
                raise SourceFormatError(
                    PROVIDER,
                    f"matches[{position}]",
                    f"{prefix}matches[{position}] repeats matches[{seen[key]}]: {home} v {away}"
                    f" on {match.kickoff.date()}",
                )
            seen[key] = position
        score = None if match.status is Status.POSTPONED else match.score
        if grouped and match.group is None:
            if not is_knockout_round(match.round):
                raise SourceFormatError(
                    PROVIDER,
                    f"matches[{position}]",
                    f"{prefix}matches[{position}] ({home} v {away}, round {match.round!r}) has no"
                    " group, in a file with groups, and is not a knockout round",
                )
            knockouts.append(
                KnockoutMatch(
                    round=match.round or "",
                    home=home,
                    away=away,
                    full_time=None if score is None else match.full_time,
                    extra_time=None if score is None else match.extra_time,
                    penalties=None if score is None else match.penalties,
                    kickoff=match.kickoff,
                )
            )
            continue
        for team in (home, away):
            known = group_of.setdefault(team, match.group)
            if known != match.group:
                raise SourceFormatError(
                    PROVIDER,
                    f"matches[{position}]",
                    f"{prefix}{team!r} plays in both {known!r} and {match.group!r}",
                )
        matches.append(
            MatchResult(
                home=home,
                away=away,
                home_goals=None if score is None else score[0],
                away_goals=None if score is None else score[1],
                kickoff=match.kickoff,
                home_cards=match.cards1,
                away_cards=match.cards2,
                group=match.group,
            )
        )
    teams = tuple(TeamEntry(name, name, group) for name, group in group_of.items())
    return StandingsInput(parsed.name, teams, tuple(matches), tuple(knockouts))
