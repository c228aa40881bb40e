"""Which schedules a day needs: one per tournament and round still to be played that day.

Pure: the same matches, time and policy always give the same names and times.
A name carries its firing time, so a moved kickoff gives a new name; `superseded` finds the old
ones for the use case to delete.
How a scheduler writes a time, and which URLs a firing calls, belong to the adapters
(`adapters.eventbridge`, `bestshot_routes`).
The rules: README, "How it works" (the day's schedules).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

from bestshot_domain.days import check_day
from bestshot_domain.errors import InvalidInput
from bestshot_domain.lifecycle import AWAITING_RESULT
from bestshot_domain.model import Match, Tournament, TournamentId
from bestshot_domain.ports import PlannedSchedule
from bestshot_domain.text import collapse_underscores, name_part
from bestshot_domain.validators import positive

NAME_PATTERN = re.compile(r"^[0-9a-z_.-]{1,64}$")
NAME_MAX = 64
PREFIX_MAX = 24  # leaves room for a readable label, a disambiguator and the time
TEST_DELAY_MAX = timedelta(days=1)  # test mode fires minutes after planning, not next week
TARGET_ENVS = ("demo", "production")
FOLLOW_UPS_MAX = 24  # a day and more of looks at one round, with gaps of up to six hours
_TIME_FORMAT = "%Y_%m_%d_%H_%M"
_LABEL_MIN = 8  # a label is never cut shorter than this to make room for a disambiguator
_DIGEST_LENGTH = 10


def check_prefix(value: str) -> str:
    """`value` when it may start schedule names, else InvalidInput saying why.

    The settings check SCHEDULE_NAME_PREFIX with this, so that both refuse the same prefixes.
    """
    if len(value) > PREFIX_MAX or not re.fullmatch(r"[0-9a-z_.-]*", value):
        # The value stays out of the message: the settings never echo one.
        raise InvalidInput(
            f"a schedule prefix must be at most {PREFIX_MAX} characters of [0-9a-z_.-]"
        )
    return value


def check_test_delay(value: timedelta | None) -> timedelta | None:
    """`value` when it may be the test mode's delay, else InvalidInput saying why.

    Zero is allowed: such schedules fire at the earliest moment planning allows, the next whole
    minute at least a minute away. The settings check SCHEDULE_TEST_DELAY_SECONDS with this.
    """
    if value is not None and not timedelta(0) <= value <= TEST_DELAY_MAX:
        raise InvalidInput(
            f"the test delay must be from 0 to {TEST_DELAY_MAX.total_seconds():.0f} seconds"
        )
    return value


def _valid_prefix(_: object, __: object, value: str) -> None:
    check_prefix(value)


def _valid_test_delay(_: object, __: object, value: timedelta | None) -> None:
    check_test_delay(value)


def _valid_follow_ups(_: object, __: object, value: int) -> None:
    if not 0 <= value <= FOLLOW_UPS_MAX:
        raise InvalidInput(f"the number of follow-ups must be from 0 to {FOLLOW_UPS_MAX}")


def _check_env(_: object, __: object, value: str) -> None:
    if value not in TARGET_ENVS:
        raise InvalidInput(f"target environment must be one of {', '.join(TARGET_ENVS)}: {value!r}")


@frozen(kw_only=True)
class SchedulingPolicy:
    """How schedules are timed, named and aimed."""

    target_env: str = field(default="demo", validator=_check_env)
    window: timedelta = field(default=timedelta(hours=2, minutes=30), validator=positive)
    # Test mode: fire this long after planning instead of after the matches (the original: 2 min).
    test_delay: timedelta | None = field(default=None, validator=_valid_test_delay)
    prefix: str = field(default="", validator=_valid_prefix)  # e.g. "demo_"
    # Follow-ups of a round still under way (`follow_ups`): the first gap, doubling; how many.
    follow_up_delay: timedelta = field(default=timedelta(minutes=30), validator=positive)
    max_follow_ups: int = field(default=4, validator=_valid_follow_ups)


# Days and time zones.


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`, or InvalidInput."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(f"unknown time zone {name!r}") from error


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day `moment` falls on in `timezone`."""
    return moment.astimezone(zone(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """`day` in `timezone` as a UTC interval [start, end): 23, 24 or 25 hours long.

    DayOutOfRange for a day outside the accepted range (`days`), where this would overflow."""
    check_day(day)
    tz = zone(timezone)
    # zoneinfo maps a midnight that a DST jump skips to the first instant after the jump.
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def day_window(day: date, tournaments: Iterable[Tournament]) -> tuple[datetime, datetime]:
    """The UTC interval covering `day` in every tournament's time zone (UTC when none)."""
    bounds = [day_bounds(day, t.timezone) for t in tournaments] or [day_bounds(day, "UTC")]
    return min(start for start, _ in bounds), max(end for _, end in bounds)


# Names and times.


def _ceil_minute(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


EARLIEST_FIRING = timedelta(minutes=1)
"""How soon after planning a schedule may fire at the earliest."""


def fire_time(wanted: datetime, now: datetime) -> datetime:
    """When a schedule wanted at `wanted` fires, planned at `now`: rounded up to the minute,
    and no sooner than a minute after `now` (EventBridge refuses an `at()` in the past, and a
    schedule planned late, after its matches, should still fire rather than fail)."""
    return _ceil_minute(max(wanted, now + EARLIEST_FIRING))


def schedule_name(prefix: str, label: str, fire_at: datetime, extras: Iterable[str] = ()) -> str:
    """`{prefix}{label}[_{extra}...]_{YYYY}_{MM}_{DD}_{HH}_{MM}` in the name alphabet, <= 64 chars.

    The label (then the extras) is shortened to fit; the time never is.
    """
    stamp = fire_at.astimezone(UTC).strftime(_TIME_FORMAT)
    folded = name_part(label) or "tournament"
    tail = "_".join(part for part in (name_part(extra) for extra in extras) if part)
    budget = NAME_MAX - len(prefix) - len(stamp) - 1
    if tail:
        label_room = max(budget - len(tail) - 1, min(len(folded), _LABEL_MIN))
        tail = tail[: budget - label_room - 1].strip("_")
        folded = folded[:label_room].strip("_")
        middle = f"{folded}_{tail}" if tail else folded
    else:
        middle = folded[:budget].strip("_")
    return collapse_underscores(f"{prefix}{middle}_{stamp}")


# Planning.


@frozen
class _Slot:
    tournament: Tournament
    round_slug: str
    fire_at: datetime


def plan_schedules(
    day: date,
    tournaments: Iterable[Tournament],
    matches: Iterable[Match],
    *,
    now: datetime,
    policy: SchedulingPolicy,
) -> tuple[PlannedSchedule, ...]:
    """The schedules `day` needs, ordered by firing time then name.

    A match counts for `day` when its kickoff falls on that day in its tournament's time zone
    and it is still awaiting a result; matches of tournaments not given are ignored. Each
    tournament and round with such matches gets one schedule firing at the latest kickoff plus
    the window (or at `now` plus the test delay), rounded up to the minute, and at least a
    minute after `now` (`fire_time`). DayOutOfRange for a day outside the accepted range.
    """
    check_day(day)
    by_id = {t.id: t for t in tournaments}
    latest: dict[tuple[TournamentId, str], datetime] = {}
    for match in matches:
        tournament = by_id.get(match.tournament_id)
        if tournament is None or match.status not in AWAITING_RESULT:
            continue
        if local_day(match.kickoff, tournament.timezone) != day:
            continue
        key = (match.tournament_id, match.round_slug)
        latest[key] = max(latest.get(key, match.kickoff), match.kickoff)
    slots = [
        _Slot(
            by_id[tournament_id],
            round_slug,
            fire_time(
                now + policy.test_delay
                if policy.test_delay is not None
                else kickoff + policy.window,
                now,
            ),
        )
        for (tournament_id, round_slug), kickoff in sorted(latest.items())
    ]
    names = _unique_names(slots, policy.prefix)
    planned = [
        PlannedSchedule(
            name=name,
            fire_at=slot.fire_at,
            tournament_id=slot.tournament.id,
            round_slug=slot.round_slug,
            target_env=policy.target_env,
        )
        for slot, name in zip(slots, names, strict=True)
    ]
    return tuple(sorted(planned, key=lambda schedule: (schedule.fire_at, schedule.name)))


def _unique_names(slots: list[_Slot], prefix: str) -> list[str]:
    """A name per slot: the plain one, with the round (and the tournament id when two
    tournaments fold to one label) where two would collide, and a digest as the last resort."""
    names = [schedule_name(prefix, slot.tournament.label, slot.fire_at) for slot in slots]
    clashing = _clashes(names)
    if not clashing:
        return names
    tournaments_per_name: dict[str, set[TournamentId]] = defaultdict(set)
    rounds_per_name: Counter[tuple[str, TournamentId]] = Counter()
    for name, slot in zip(names, slots, strict=True):
        tournaments_per_name[name].add(slot.tournament.id)
        rounds_per_name[(name, slot.tournament.id)] += 1
    for index in sorted(clashing):
        slot, name = slots[index], names[index]
        extras: list[str] = []
        if len(tournaments_per_name[name]) > 1:
            extras.append(slot.tournament.id)
        if rounds_per_name[(name, slot.tournament.id)] > 1:
            extras.append(slot.round_slug)
        names[index] = schedule_name(prefix, slot.tournament.label, slot.fire_at, extras)
    for index in sorted(_clashes(names)):
        # Shortened labels or look-alike ids can still collide; a digest of what the slot is
        # cannot (not in any plan a real calendar produces).
        slot = slots[index]
        digest = hashlib.sha256(f"{slot.tournament.id}\0{slot.round_slug}".encode()).hexdigest()
        names[index] = schedule_name(
            prefix, slot.tournament.label, slot.fire_at, [digest[:_DIGEST_LENGTH]]
        )
    return names


def _clashes(names: list[str]) -> set[int]:
    counts = Counter(names)
    return {index for index, name in enumerate(names) if counts[name] > 1}


def superseded(
    day: date,
    tournaments: Iterable[Tournament],
    planned: Iterable[PlannedSchedule],
    pending: Iterable[PlannedSchedule],
    *,
    now: datetime,
    policy: SchedulingPolicy,
) -> tuple[PlannedSchedule, ...]:
    """The `pending` schedules an earlier plan of `day` made that this plan no longer has.

    A kickoff moved within the day (or a round's matches gone from it) leaves the old schedule
    behind under its old name, since the name carries the firing time. Such a schedule is one of
    ours for `day` when it aims at this policy's target environment (a scheduler lists only the
    schedules aimed at its own API), fires later than `now` (one due now is being fired: let it
    be), and:

    - fires when a plan of `day` fires: from the day's start plus the window up to its end plus
      the window, in its tournament's time zone (the next day's plan fires from that end on, so
      the days never overlap while the window stays the same);
    - in test mode, where times say nothing of the day, belongs to a tournament and round of
      this plan (all of those fire within minutes anyway).

    Schedules of other tournaments, of other days and of another environment are of no
    concern; follow-ups (`follow_ups`) are the round updates', and the use case leaves them out.
    """
    by_id = {t.id: t for t in tournaments}
    planned = list(planned)
    names = {schedule.name for schedule in planned}
    rounds = {(schedule.tournament_id, schedule.round_slug) for schedule in planned}
    found = []
    for schedule in pending:
        tournament = by_id.get(schedule.tournament_id)
        if (
            tournament is None
            or schedule.name in names
            or schedule.fire_at <= now
            or schedule.target_env != policy.target_env
        ):
            continue
        if policy.test_delay is not None:
            ours = (schedule.tournament_id, schedule.round_slug) in rounds
        else:
            start, end = day_bounds(day, tournament.timezone)
            ours = start + policy.window <= schedule.fire_at < end + policy.window
        if ours:
            found.append(schedule)
    return tuple(sorted(found, key=lambda schedule: (schedule.fire_at, schedule.name)))


def survey_window(
    day: date, tournaments: Iterable[Tournament], *, now: datetime, policy: SchedulingPolicy
) -> tuple[datetime, datetime]:
    """The firing times among which `superseded` may find an earlier plan's schedules of `day`:
    planning reads only these. In test mode any pending time may be one (up to the longest
    test delay after a plan made just now)."""
    if policy.test_delay is not None:
        return now, now + TEST_DELAY_MAX + 2 * EARLIEST_FIRING
    start, end = day_window(day, tournaments)
    return start + policy.window, end + policy.window


def spread(name: str, window: timedelta) -> timedelta:
    """How long after its time a schedule named `name` fires when firings are spread over
    `window`: whole seconds in [0, window), the same for a name every time, so that a burst of
    rounds due together is spread and a re-plan never moves one (zero for no window)."""
    seconds = int(window.total_seconds())
    if seconds <= 0:
        return timedelta(0)
    digest = hashlib.sha256(name.encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:8], "big") % seconds)
