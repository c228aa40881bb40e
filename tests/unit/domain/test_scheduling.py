from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bestshot_domain.errors import InvalidInput
from bestshot_domain.model import Match, MatchStatus, Tournament
from bestshot_domain.ports import PlannedSchedule
from bestshot_domain.scheduling import (
    NAME_PATTERN,
    SchedulingPolicy,
    day_bounds,
    day_window,
    fire_time,
    local_day,
    plan_schedules,
    schedule_name,
    superseded,
    zone,
)
from bestshot_domain.text import collapse_underscores
from tests.builders import match, tournament

DAY = date(2026, 11, 28)
NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
POLICY = SchedulingPolicy()
ZONES = sorted(available_timezones() - {"Factory", "localtime"})


def at(hour: int, minute: int = 0, *, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class TestDays:
    def test_a_brazilian_evening_kickoff_belongs_to_the_brazilian_day(self) -> None:
        kickoff = datetime(2026, 11, 29, 0, 30, tzinfo=UTC)  # 21:30 in Sao Paulo on the 28th
        assert local_day(kickoff, "America/Sao_Paulo") == DAY
        assert local_day(kickoff, "UTC") == date(2026, 11, 29)

    def test_a_day_is_an_interval_in_utc(self) -> None:
        start, end = day_bounds(DAY, "America/Sao_Paulo")
        assert (start, end) == (at(3), at(3, day=date(2026, 11, 29)))

    @pytest.mark.parametrize(
        ("day", "timezone", "hours"),
        [
            (date(2026, 3, 29), "Europe/London", 23),
            (date(2026, 10, 25), "Europe/London", 25),
            (date(2026, 3, 30), "Europe/London", 24),
            # Chile moves its clocks at midnight: the day starts at 01:00 local time.
            (date(2026, 9, 6), "America/Santiago", 23),
        ],
    )
    def test_daylight_saving_days_are_23_or_25_hours(
        self, day: date, timezone: str, hours: int
    ) -> None:
        start, end = day_bounds(day, timezone)
        assert end - start == timedelta(hours=hours)
        assert local_day(start, timezone) == day
        assert local_day(end - timedelta(microseconds=1), timezone) == day
        assert local_day(end, timezone) == day + timedelta(days=1)

    @pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd", "/UTC"])
    def test_an_unknown_time_zone_is_invalid_input(self, name: str) -> None:
        with pytest.raises(InvalidInput, match="unknown time zone"):
            zone(name)

    def test_the_window_of_a_day_covers_every_tournaments_zone(self) -> None:
        tournaments = [
            tournament("a", timezone="Pacific/Kiritimati"),
            tournament("b", timezone="America/Sao_Paulo"),
        ]
        assert day_window(DAY, tournaments) == (
            day_bounds(DAY, "Pacific/Kiritimati")[0],
            day_bounds(DAY, "America/Sao_Paulo")[1],
        )
        assert day_window(DAY, []) == day_bounds(DAY, "UTC")


class TestNames:
    def test_the_label_is_folded_to_ascii_and_the_time_is_utc(self) -> None:
        fire_at = datetime(2026, 11, 28, 20, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
        name = schedule_name("", "Brasileirão Betano", fire_at)
        assert name == "brasileirao_betano_2026_11_28_23_00"

    @pytest.mark.parametrize(
        ("label", "expected"),
        [
            ("Premier League 2025/26", "premier_league_2025_26"),
            ("U.S. Open Cup", "u.s._open_cup"),
            ("  Süper   Lig!!  ", "super_lig"),
            ("Премьер-лига", "prem_er-liga"),
            ("2. Bundesliga", "2._bundesliga"),
            ("!!!", "tournament"),
        ],
    )
    def test_characters_outside_the_alphabet_become_single_underscores(
        self, label: str, expected: str
    ) -> None:
        assert schedule_name("", label, at(17, 30)) == f"{expected}_2026_11_28_17_30"

    def test_a_prefix_goes_first(self) -> None:
        assert schedule_name("demo_", "Liga", at(17)) == "demo_liga_2026_11_28_17_00"

    def test_a_long_label_is_shortened_never_the_time(self) -> None:
        label = "Campeonato Brasileiro de Futebol Feminino Série A1 Brasileirão Neoenergia"
        name = schedule_name("demo_", label, at(17, 5))
        # Cut at 64, then the dangling "_" of the cut word boundary dropped.
        assert name == "demo_campeonato_brasileiro_de_futebol_feminino_2026_11_28_17_05"

    def test_extras_follow_the_label(self) -> None:
        assert (
            schedule_name("", "Liga", at(17), ["matchday-3"]) == "liga_matchday-3_2026_11_28_17_00"
        )

    def test_with_extras_a_long_label_keeps_a_readable_start(self) -> None:
        name = schedule_name("prefix_", "x" * 80, at(17), ["y" * 80])
        assert len(name) == 64
        assert name.startswith("prefix_xxxxxxxx_yyy")
        assert name.endswith("_2026_11_28_17_00")


class TestPolicy:
    @pytest.mark.parametrize(
        ("changes", "words"),
        [
            ({"target_env": "staging"}, "target environment"),
            ({"window": timedelta(0)}, "window must be positive"),
            ({"test_delay": timedelta(seconds=-1)}, "test delay must be from 0 to 86400"),
            ({"test_delay": timedelta(days=1, seconds=1)}, "test delay must be from 0 to 86400"),
            ({"prefix": "Demo_"}, "prefix"),
            ({"prefix": "p" * 25}, "prefix"),
        ],
    )
    def test_a_bad_setting_is_invalid_input(self, changes: dict[str, object], words: str) -> None:
        arguments: dict[str, object] = {**changes}
        with pytest.raises(InvalidInput, match=words):
            SchedulingPolicy(**arguments)  # type: ignore[arg-type]


class TestPlan:
    def test_one_schedule_per_round_at_the_latest_kickoff_plus_the_window(self) -> None:
        liga = tournament("liga", label="Liga")
        matches = [
            match("1", kickoff=at(15), tournament_id="liga"),
            match("2", kickoff=at(17, 30), tournament_id="liga"),
            match("3", kickoff=at(12), tournament_id="liga"),
        ]
        (planned,) = plan_schedules(DAY, [liga], matches, now=NOON, policy=POLICY)
        assert planned.fire_at == at(20)
        assert planned.name == "liga_2026_11_28_20_00"
        assert (planned.tournament_id, planned.round_slug) == ("liga", "matchday-1")
        assert planned.target_env == "demo"

    def test_the_window_is_configurable(self) -> None:
        policy = SchedulingPolicy(window=timedelta(hours=2))
        (planned,) = plan_schedules(
            DAY, [tournament()], [match(kickoff=at(17, 30))], now=NOON, policy=policy
        )
        assert planned.fire_at == at(19, 30)

    @pytest.mark.parametrize(
        "status", [MatchStatus.SCHEDULED, MatchStatus.LIVE, MatchStatus.SUSPENDED]
    )
    def test_a_match_awaiting_its_result_needs_a_schedule(self, status: MatchStatus) -> None:
        stored = match(status=status, score=None, kickoff=at(15))
        assert len(plan_schedules(DAY, [tournament()], [stored], now=NOON, policy=POLICY)) == 1

    @pytest.mark.parametrize(
        ("status", "score"),
        [
            (MatchStatus.FINISHED, (1, 0)),
            (MatchStatus.AWARDED, (3, 0)),
            (MatchStatus.POSTPONED, None),
            (MatchStatus.CANCELLED, None),
        ],
    )
    def test_a_round_with_nothing_left_to_play_that_day_needs_none(
        self, status: MatchStatus, score: tuple[int, int] | None
    ) -> None:
        done = match(status=status, score=score, kickoff=at(15))
        assert plan_schedules(DAY, [tournament()], [done], now=NOON, policy=POLICY) == ()

    def test_only_the_unfinished_matches_set_the_time(self) -> None:
        matches = [
            match("1", kickoff=at(15)),
            match("2", kickoff=at(18), status=MatchStatus.POSTPONED),
        ]
        (planned,) = plan_schedules(DAY, [tournament()], matches, now=NOON, policy=POLICY)
        assert planned.fire_at == at(17, 30)

    def test_the_day_is_the_tournaments_own(self) -> None:
        brazil = tournament("br", label="Brasileirão Betano", timezone="America/Sao_Paulo")
        england = tournament("en", label="Premier League", timezone="Europe/London")
        late_in_brazil = match("1", tournament_id="br", kickoff=at(0, 30, day=date(2026, 11, 29)))
        early_in_brazil = match("2", tournament_id="br", kickoff=at(2, 30))  # the 27th there
        in_london = match("3", tournament_id="en", kickoff=at(0, 30, day=date(2026, 11, 29)))
        planned = plan_schedules(
            DAY,
            [brazil, england],
            [late_in_brazil, early_in_brazil, in_london],
            now=NOON,
            policy=POLICY,
        )
        assert [(p.tournament_id, p.fire_at) for p in planned] == [
            ("br", at(3, 0, day=date(2026, 11, 29)))
        ]
        assert planned[0].name == "brasileirao_betano_2026_11_29_03_00"

    def test_matches_of_unknown_tournaments_are_ignored(self) -> None:
        stranger = match(tournament_id="elsewhere", kickoff=at(15))
        assert plan_schedules(DAY, [tournament()], [stranger], now=NOON, policy=POLICY) == ()

    def test_test_mode_fires_shortly_after_planning_rounded_up_to_the_minute(self) -> None:
        policy = SchedulingPolicy(test_delay=timedelta(minutes=2))
        now = NOON + timedelta(seconds=15, microseconds=3)
        (planned,) = plan_schedules(
            DAY, [tournament()], [match(kickoff=at(15))], now=now, policy=policy
        )
        assert planned.fire_at == at(12, 3)

    def test_two_rounds_firing_in_the_same_minute_get_the_round_in_their_names(self) -> None:
        liga = tournament("liga", label="Liga")
        matches = [
            match("1", kickoff=at(15), round_slug="matchday-1", tournament_id="liga"),
            match("2", kickoff=at(15), round_slug="matchday-2", tournament_id="liga"),
            match("3", kickoff=at(16), round_slug="matchday-3", tournament_id="liga"),
        ]
        planned = plan_schedules(DAY, [liga], matches, now=NOON, policy=POLICY)
        assert [p.name for p in planned] == [
            "liga_matchday-1_2026_11_28_17_30",
            "liga_matchday-2_2026_11_28_17_30",
            "liga_2026_11_28_18_30",
        ]

    def test_two_tournaments_folding_to_one_label_get_their_ids_in_their_names(self) -> None:
        italy = tournament("serie-a-it", label="Serie A")
        brazil = tournament("serie-a-br", label="Série A")
        matches = [
            match("1", kickoff=at(15), tournament_id="serie-a-it"),
            match("2", kickoff=at(15), tournament_id="serie-a-br"),
        ]
        planned = plan_schedules(DAY, [italy, brazil], matches, now=NOON, policy=POLICY)
        assert sorted(p.name for p in planned) == [
            "serie_a_serie-a-br_2026_11_28_17_30",
            "serie_a_serie-a-it_2026_11_28_17_30",
        ]

    def test_names_that_still_collide_after_shortening_get_a_digest(self) -> None:
        long = "x" * 60
        liga = tournament("liga", label=long)
        matches = [
            match("1", kickoff=at(15), round_slug=f"{long}-1", tournament_id="liga"),
            match("2", kickoff=at(15), round_slug=f"{long}-2", tournament_id="liga"),
        ]
        names = [p.name for p in plan_schedules(DAY, [liga], matches, now=NOON, policy=POLICY)]
        assert len(set(names)) == 2
        assert all(NAME_PATTERN.fullmatch(name) for name in names)

    def test_a_prefix_marks_every_name(self) -> None:
        policy = SchedulingPolicy(prefix="demo_")
        (planned,) = plan_schedules(
            DAY, [tournament()], [match(kickoff=at(15))], now=NOON, policy=policy
        )
        assert planned.name == "demo_liga_test_2026_11_28_17_30"

    def test_schedules_come_ordered_by_time_then_name(self) -> None:
        tournaments = [tournament(f"t{i}", label=f"Zeta {i}") for i in range(3)]
        matches = [
            match("a", tournament_id="t0", kickoff=at(18)),
            match("b", tournament_id="t1", kickoff=at(12)),
            match("c", tournament_id="t2", kickoff=at(12)),
        ]
        planned = plan_schedules(DAY, tournaments, matches, now=NOON, policy=POLICY)
        assert [(p.fire_at, p.tournament_id) for p in planned] == [
            (at(14, 30), "t1"),
            (at(14, 30), "t2"),
            (at(20, 30), "t0"),
        ]


class TestLatePlanning:
    def test_a_fire_time_already_past_is_a_minute_after_planning_rounded_up(self) -> None:
        # The round kicked off at 15:00 (firing at 17:30), but the day is planned at 21:10:30.
        late = at(21, 10) + timedelta(seconds=30)
        (planned,) = plan_schedules(
            DAY, [tournament()], [match(kickoff=at(15))], now=late, policy=POLICY
        )
        assert planned.fire_at == at(21, 12)
        assert planned.name == "liga_test_2026_11_28_21_12"

    def test_on_the_minute_it_is_the_next_minute_and_a_later_time_is_kept(self) -> None:
        assert fire_time(at(17, 30), at(21, 10)) == at(21, 11)
        assert fire_time(at(17, 30), at(17, 29) + timedelta(seconds=1)) == at(17, 31)
        assert fire_time(at(17, 30) + timedelta(seconds=1), NOON) == at(17, 31)
        assert fire_time(at(17, 30), NOON) == at(17, 30)

    def test_a_test_delay_of_zero_fires_at_the_next_minute_at_least_a_minute_away(self) -> None:
        policy = SchedulingPolicy(test_delay=timedelta(0))
        (planned,) = plan_schedules(
            DAY,
            [tournament()],
            [match(kickoff=at(15))],
            now=NOON + timedelta(seconds=1),
            policy=policy,
        )
        assert planned.fire_at == at(12, 2)


def pending(
    fire_at: datetime,
    *,
    round_slug: str = "matchday-1",
    tournament_id: str = "liga-test",
    policy: SchedulingPolicy = POLICY,
    name: str | None = None,
) -> PlannedSchedule:
    return PlannedSchedule(
        name=name or f"liga_test_{fire_at:%Y_%m_%d_%H_%M}",
        fire_at=fire_at,
        tournament_id=tournament_id,
        round_slug=round_slug,
        target_env=policy.target_env,
    )


class TestSuperseded:
    def plan(
        self, *matches: Match, policy: SchedulingPolicy = POLICY
    ) -> tuple[PlannedSchedule, ...]:
        return plan_schedules(DAY, [tournament()], list(matches), now=NOON, policy=policy)

    def superseded(
        self,
        planned: tuple[PlannedSchedule, ...],
        *old: PlannedSchedule,
        policy: SchedulingPolicy = POLICY,
    ) -> tuple[PlannedSchedule, ...]:
        pending = [*planned, *old]
        return superseded(DAY, [tournament()], planned, pending, now=NOON, policy=policy)

    def test_a_moved_kickoff_supersedes_the_schedule_of_its_old_time(self) -> None:
        before = pending(at(17, 30))  # planned when the match kicked off at 15:00
        (planned,) = self.plan(match(kickoff=at(16)))
        assert planned.fire_at == at(18, 30)
        assert self.superseded((planned,), before) == (before,)

    def test_a_round_gone_from_the_day_supersedes_its_schedule(self) -> None:
        before = pending(at(17, 30))
        moved = match(kickoff=at(15, day=date(2026, 11, 29)))
        assert self.plan(moved) == ()
        assert self.superseded((), before) == (before,)

    def test_other_days_other_environments_and_due_ones_are_kept(self) -> None:
        (planned,) = self.plan(match(kickoff=at(16)))
        yesterday_late = pending(at(2, 29))  # yesterday's last minute, plus the window
        tomorrow = pending(at(2, 30, day=date(2026, 11, 29)))  # tomorrow's first minute + window
        elsewhere = pending(at(17, 30), policy=SchedulingPolicy(target_env="production"))
        due = pending(at(11, 59))  # due already: being fired, let it be
        stranger = pending(at(17, 30), tournament_id="unknown")
        kept = (yesterday_late, tomorrow, elsewhere, due, stranger)
        assert self.superseded((planned,), *kept) == ()

    def test_a_round_of_the_tournament_left_out_of_the_plan_is_superseded(self) -> None:
        # Its matches of the day were decided or moved away since it was planned.
        (planned,) = self.plan(match(kickoff=at(16)))
        other_round = pending(at(19), round_slug="matchday-2")
        assert self.superseded((planned,), other_round) == (other_round,)

    def test_the_days_window_is_its_tournaments_own(self) -> None:
        brazil = tournament("br", label="Br", timezone="America/Sao_Paulo")
        # The 28th in Sao Paulo runs from 03:00 UTC to 03:00 UTC the next day: its plans fire
        # from 05:30 UTC on the 28th until (not including) 05:30 UTC on the 29th.
        last_of_27th = pending(at(5, 29), tournament_id="br", name="br_a")
        first_of_28th = pending(at(5, 30), tournament_id="br", name="br_b")
        first_of_29th = pending(at(5, 30, day=date(2026, 11, 29)), tournament_id="br", name="br_c")
        found = superseded(
            DAY,
            [brazil],
            [],
            [last_of_27th, first_of_28th, first_of_29th],
            now=at(3),
            policy=POLICY,
        )
        assert found == (first_of_28th,)

    def test_in_test_mode_only_rounds_of_the_plan_are_superseded(self) -> None:
        policy = SchedulingPolicy(test_delay=timedelta(minutes=2))
        (planned,) = self.plan(match(kickoff=at(15)), policy=policy)
        earlier_run = pending(at(12, 1), policy=policy)
        other_round = pending(at(12, 1), round_slug="matchday-2", policy=policy)
        found = self.superseded((planned,), earlier_run, other_round, policy=policy)
        assert found == (earlier_run,)


# Properties.

labels = st.text(min_size=1, max_size=90)
slugs = st.from_regex(r"[a-z0-9]{1,20}(-[a-z0-9]{1,30}){0,2}", fullmatch=True)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[list[Tournament], list[Match]]:
    count = draw(st.integers(1, 4))
    # Labels often collide after folding, which is what the names must survive.
    label_pool = draw(st.lists(labels, min_size=1, max_size=3))
    tournaments = [
        tournament(
            f"t{i}",
            label=draw(st.sampled_from(label_pool)),
            timezone=draw(st.sampled_from(["UTC", "America/Sao_Paulo", "Asia/Tokyo"])),
        )
        for i in range(count)
    ]
    matches = []
    for index in range(draw(st.integers(0, 12))):
        owner = draw(st.sampled_from(tournaments))
        kickoff = NOON + timedelta(minutes=15 * draw(st.integers(-80, 80)))
        matches.append(
            match(
                f"m{index}",
                tournament_id=owner.id,
                round_slug=draw(slugs),
                kickoff=kickoff,
                status=draw(st.sampled_from([MatchStatus.SCHEDULED, MatchStatus.LIVE])),
            )
        )
    return tournaments, matches


policies = st.builds(
    SchedulingPolicy,
    prefix=st.from_regex(r"[0-9a-z_.-]{0,24}", fullmatch=True),
    test_delay=st.none() | st.sampled_from([timedelta(0), timedelta(minutes=2)]),
)


@settings(max_examples=200)
@given(calendars(), policies, st.randoms(use_true_random=False))
def test_names_are_valid_deterministic_and_unique(
    calendar: tuple[list[Tournament], list[Match]],
    policy: SchedulingPolicy,
    rng: random.Random,
) -> None:
    tournaments, matches = calendar
    planned = plan_schedules(DAY, tournaments, matches, now=NOON, policy=policy)
    names = [p.name for p in planned]
    assert all(NAME_PATTERN.fullmatch(name) for name in names), names
    assert all(name.startswith(collapse_underscores(policy.prefix)) for name in names)
    assert len(set(names)) == len(names)
    assert len({(p.tournament_id, p.round_slug) for p in planned}) == len(planned)
    shuffled = list(matches)
    rng.shuffle(shuffled)
    again = plan_schedules(DAY, list(reversed(tournaments)), shuffled, now=NOON, policy=policy)
    assert again == planned


@given(calendars(), policies, st.integers(0, 48 * 60 * 60))
def test_a_schedule_never_fires_sooner_than_a_minute_after_planning(
    calendar: tuple[list[Tournament], list[Match]], policy: SchedulingPolicy, seconds: int
) -> None:
    tournaments, matches = calendar
    now = NOON - timedelta(hours=24) + timedelta(seconds=seconds)
    by_id = {t.id: t for t in tournaments}
    for planned in plan_schedules(DAY, tournaments, matches, now=now, policy=policy):
        assert planned.fire_at >= now + timedelta(minutes=1)
        assert (planned.fire_at.second, planned.fire_at.microsecond) == (0, 0)
        if policy.test_delay is None:
            kickoffs = [
                m.kickoff
                for m in matches
                if (m.tournament_id, m.round_slug) == (planned.tournament_id, planned.round_slug)
                and local_day(m.kickoff, by_id[m.tournament_id].timezone) == DAY
            ]
            assert planned.fire_at >= max(kickoffs) + policy.window
            # Never later than needed: the wanted time or a minute after planning, rounded up.
            assert planned.fire_at - timedelta(minutes=1) < max(
                max(kickoffs) + policy.window, now + timedelta(minutes=1)
            )


@given(labels, st.from_regex(r"[0-9a-z_.-]{0,24}", fullmatch=True), st.lists(labels, max_size=3))
def test_a_name_always_fits_the_alphabet_and_ends_with_the_time(
    label: str, prefix: str, extras: list[str]
) -> None:
    name = schedule_name(prefix, label, at(9, 7), extras)
    assert NAME_PATTERN.fullmatch(name), name
    assert "__" not in name
    assert name.endswith("2026_11_28_09_07")


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(ZONES),
)
def test_the_day_of_a_match_agrees_with_its_time_zone(moment: datetime, timezone: str) -> None:
    day = local_day(moment, timezone)
    start, end = day_bounds(day, timezone)
    assert start <= moment < end
    assert local_day(start, timezone) == day
    assert local_day(end, timezone) == day + timedelta(days=1)
    assert moment.astimezone(ZoneInfo(timezone)).date() == day


@settings(max_examples=50)
@given(calendars())
def test_a_schedule_fires_after_every_match_it_covers_has_had_its_window(
    calendar: tuple[list[Tournament], list[Match]],
) -> None:
    tournaments, matches = calendar
    by_id = {t.id: t for t in tournaments}
    planned = plan_schedules(DAY, tournaments, matches, now=NOON, policy=POLICY)
    covered = {(p.tournament_id, p.round_slug): p.fire_at for p in planned}
    for stored in matches:
        key = (stored.tournament_id, stored.round_slug)
        if local_day(stored.kickoff, by_id[stored.tournament_id].timezone) == DAY:
            assert covered[key] >= stored.kickoff + POLICY.window
            assert covered[key] - (stored.kickoff + POLICY.window) < timedelta(days=1)
