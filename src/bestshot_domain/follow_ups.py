"""Follow-up checks of a round still under way: when, under which name, how many; for every
scheduler, since the use case (not a scheduler's worker) asks for them.

A round update that leaves matches overdue (live, or past their kickoff without a result:
extra time, a late kickoff, a provider slow to confirm) ensures one more look through the
`Scheduler` port. Its time and name come from the round's overdue matches, never from when the
update ran: an update delivered twice ensures the same follow-up, and the update a follow-up
fires moves on to the next one. Follow-up k fires at the latest overdue kickoff plus the window
plus gaps that double from `follow_up_delay` (up to GAP_MAX, or that delay if longer), up to
`max_follow_ups`; a round with nothing overdue asks for none. README, "How it works".
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from attrs import evolve, frozen

from bestshot_domain.model import Tournament
from bestshot_domain.ports import PlannedSchedule, Scheduler
from bestshot_domain.round_update import RoundUpdate
from bestshot_domain.scheduling import NAME_MAX, SchedulingPolicy, fire_time, schedule_name

GAP_MAX = timedelta(hours=6)
"""The longest wait between two follow-ups of a round (unless the first is longer)."""

_SUFFIX = re.compile(r"_f\d+$")
_STAMP = re.compile(r"_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}$")


def follow_up_name(origin: str, number: int) -> str:
    """`{origin}_f{n}`, within the 64 characters.

    When that is too long, the label part of the origin is shortened, never its time, and a
    digest of the whole origin keeps follow-ups of two long names that differ only in what was
    cut apart.
    """
    suffix = f"_f{number}"
    if len(origin) + len(suffix) <= NAME_MAX:
        return origin + suffix
    found = _STAMP.search(origin)
    stamp = found.group() if found else ""
    digest = "_" + hashlib.sha256(origin.encode()).hexdigest()[:6]
    head = origin[: len(origin) - len(stamp)]
    head = head[: NAME_MAX - len(stamp) - len(digest) - len(suffix)].rstrip("_")
    return f"{head}{digest}{stamp}{suffix}"


def is_follow_up(name: str) -> bool:
    """Whether a schedule's name is a follow-up's (a plan's names never end in `_f<n>`)."""
    return _SUFFIX.search(name) is not None


def follow_up_times(due: datetime, policy: SchedulingPolicy) -> tuple[datetime, ...]:
    """When follow-ups 1..max of a round whose matches should be over at `due` are wanted."""
    times = []
    gap, at = policy.follow_up_delay, due
    cap = max(GAP_MAX, gap)  # a first gap longer than the cap stays the gap: never shrinking
    for _ in range(policy.max_follow_ups):
        at += gap
        times.append(at)
        gap = min(gap * 2, cap)
    return tuple(times)


def plan_follow_up(
    update: RoundUpdate, tournament: Tournament, *, policy: SchedulingPolicy
) -> PlannedSchedule | None:
    """The follow-up the round needs after `update`, or None: nothing overdue, or every
    follow-up's time has passed (the bound)."""
    if update.latest_overdue_kickoff is None:
        return None
    now = update.observed_at
    due = update.latest_overdue_kickoff + policy.window  # when a plan fires for these matches
    for number, wanted in enumerate(follow_up_times(due, policy), start=1):
        if wanted > now:
            # The origin names the round and the moment its matches should have been over, so
            # that two rounds (or two kickoffs of one round) never share follow-ups.
            origin = schedule_name(policy.prefix, tournament.label, due, [update.round_slug])
            return PlannedSchedule(
                name=follow_up_name(origin, number),
                fire_at=fire_time(wanted, now),
                tournament_id=tournament.id,
                round_slug=update.round_slug,
                target_env=policy.target_env,
            )
    return None


@frozen
class FollowUps:
    """What the round update needs to ensure follow-ups: the scheduler and the policy."""

    scheduler: Scheduler
    policy: SchedulingPolicy

    async def after(self, update: RoundUpdate, tournament: Tournament) -> RoundUpdate:
        """`update`, with the follow-up it made sure of (created, or already there)."""
        planned = plan_follow_up(update, tournament, policy=self.policy)
        if planned is None:
            return update
        await self.scheduler.ensure(planned)
        return evolve(update, follow_up=planned.name)


async def followed_up(
    update: RoundUpdate, tournament: Tournament, follow_ups: FollowUps | None
) -> RoundUpdate:
    """`update` after its follow-up is ensured (None: no scheduler to ask, nothing to do)."""
    return update if follow_ups is None else await follow_ups.after(update, tournament)
