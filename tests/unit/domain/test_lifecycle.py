from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.lifecycle import (
    DECIDED,
    Applied,
    NotApplied,
    Verdict,
    apply_observation,
    apply_observations,
    check_observation,
    create_match,
    latest_observation,
)
from bestshot_domain.model import (
    ChangeKind,
    Ending,
    Match,
    MatchStatus,
    Observation,
    Score,
    SourceMatch,
)
from tests.builders import T0, match, observation, state
from tests.strategies import observations

AT = T0 + timedelta(hours=3)
S = MatchStatus


def applied(outcome: Applied | NotApplied) -> Applied:
    assert isinstance(outcome, Applied), outcome
    return outcome


def not_applied(outcome: Applied | NotApplied, verdict: Verdict) -> str:
    assert isinstance(outcome, NotApplied), outcome
    assert outcome.verdict is verdict, outcome
    return outcome.reason


class TestNormalSteps:
    def test_a_scheduled_match_goes_live_then_finishes(self) -> None:
        stored = match()
        live = applied(apply_observation(stored, observation(status=S.LIVE, score=(0, 0)), at=AT))
        assert live.match.state == state(S.LIVE, (0, 0))
        assert live.match.version == 1
        assert live.match.last_observed == AT
        assert live.change.kind is ChangeKind.UPDATED
        assert live.change.before == stored.state
        assert live.change.after == live.match.state
        assert live.change.reason == "scheduled -> live 0-0"
        assert live.change.recorded_at == AT
        assert (live.change.match, live.change.round_slug) == ("scripted:m1", "matchday-1")

        later = AT + timedelta(minutes=50)
        done = applied(apply_observation(live.match, observation(score=(2, 1)), at=later))
        assert done.match.state == state(S.FINISHED, (2, 1), ended=Ending.REGULAR)
        assert done.match.version == 2
        assert done.match.last_observed == later
        assert done.verdict is Verdict.UPDATED
        assert done.change.reason == "live 0-0 -> finished 2-1"

    def test_the_providers_change_time_is_kept_as_last_observed(self) -> None:
        changed = T0 + timedelta(hours=2)
        done = applied(
            apply_observation(match(), observation(score=(1, 0), changed_at=changed), at=AT)
        )
        assert done.match.last_observed == changed

    def test_extra_time_and_penalties_are_kept_apart_from_the_score(self) -> None:
        after_et = applied(
            apply_observation(match(), observation(score=(2, 1), ended=Ending.EXTRA_TIME), at=AT)
        )
        assert after_et.match.state.ended is Ending.EXTRA_TIME
        assert after_et.change.reason.endswith("finished 2-1 (after extra time)")

        shootout = observation(score=(1, 1), ended=Ending.PENALTIES, shootout=(4, 3))
        on_pens = applied(apply_observation(match(), shootout, at=AT))
        assert on_pens.match.score == Score(1, 1)
        assert on_pens.match.state.shootout == Score(4, 3)
        assert on_pens.change.reason == "scheduled -> finished 1-1 (4-3 on penalties)"

    def test_an_ending_left_unsaid_is_regular_time_or_penalties_when_there_was_a_shootout(
        self,
    ) -> None:
        plain = applied(apply_observation(match(), observation(score=(0, 0)), at=AT))
        assert plain.match.state.ended is Ending.REGULAR
        pens = applied(
            apply_observation(match(), observation(score=(0, 0), shootout=(5, 4)), at=AT)
        )
        assert pens.match.state.ended is Ending.PENALTIES

    def test_a_postponed_match_gets_a_new_kickoff_and_is_scheduled_again(self) -> None:
        postponed = applied(apply_observation(match(), observation(status=S.POSTPONED), at=AT))
        assert postponed.match.status is S.POSTPONED
        assert postponed.match.kickoff == T0
        new_kickoff = T0 + timedelta(days=10)
        again = applied(
            apply_observation(
                postponed.match, observation(status=S.SCHEDULED, kickoff=new_kickoff), at=AT
            )
        )
        assert again.match.state == state(S.SCHEDULED, kickoff=new_kickoff)
        assert again.change.kind is ChangeKind.UPDATED
        assert "postponed -> scheduled" in again.change.reason
        assert "kickoff" in again.change.reason

    def test_a_moved_kickoff_alone_is_an_update(self) -> None:
        moved = T0 + timedelta(minutes=30)
        outcome = applied(
            apply_observation(match(), observation(status=S.SCHEDULED, kickoff=moved), at=AT)
        )
        assert outcome.match.kickoff == moved
        assert outcome.change.reason == f"kickoff {T0.isoformat()} -> {moved.isoformat()}"

    def test_a_missing_kickoff_keeps_the_stored_one(self) -> None:
        outcome = applied(apply_observation(match(), observation(status=S.LIVE), at=AT))
        assert outcome.match.kickoff == T0

    def test_a_suspended_match_keeps_its_score_and_may_finish_later(self) -> None:
        suspended = applied(
            apply_observation(match(), observation(status=S.SUSPENDED, score=(1, 0)), at=AT)
        )
        assert suspended.match.state == state(S.SUSPENDED, (1, 0))
        done = applied(apply_observation(suspended.match, observation(score=(1, 1)), at=AT))
        assert done.change.kind is ChangeKind.UPDATED


class TestCorrections:
    def test_a_finished_match_with_another_score_is_a_correction(self) -> None:
        stored = match(status=S.FINISHED, score=(1, 0), version=3, last_observed=T0)
        outcome = applied(apply_observation(stored, observation(score=(1, 1)), at=AT))
        assert outcome.verdict is Verdict.CORRECTION
        assert outcome.change.kind is ChangeKind.CORRECTION
        assert outcome.change.reason == "correction: finished 1-0 -> finished 1-1"
        assert outcome.match.score == Score(1, 1)
        assert outcome.match.version == 4

    def test_a_result_awarded_at_the_table_is_a_correction(self) -> None:
        stored = match(status=S.FINISHED, score=(2, 2))
        outcome = applied(
            apply_observation(stored, observation(status=S.AWARDED, score=(3, 0)), at=AT)
        )
        assert outcome.verdict is Verdict.CORRECTION
        assert outcome.match.state == state(S.AWARDED, (3, 0))

    def test_an_awarded_result_overturned_on_appeal_is_a_correction(self) -> None:
        stored = match(status=S.AWARDED, score=(3, 0))
        outcome = applied(apply_observation(stored, observation(score=(1, 2)), at=AT))
        assert outcome.verdict is Verdict.CORRECTION
        assert outcome.match.state == state(S.FINISHED, (1, 2))


class TestStale:
    @pytest.mark.parametrize(
        ("status", "score"),
        [
            (S.SCHEDULED, None),
            (S.LIVE, (1, 0)),
            (S.LIVE, None),
            (S.POSTPONED, None),
            (S.SUSPENDED, (1, 0)),
            (S.CANCELLED, None),
        ],
    )
    @pytest.mark.parametrize("decided", [S.FINISHED, S.AWARDED])
    def test_a_decided_match_never_goes_back(
        self, decided: MatchStatus, status: MatchStatus, score: tuple[int, int] | None
    ) -> None:
        stored = match(status=decided, score=(1, 0))
        reason = not_applied(
            apply_observation(stored, observation(status=status, score=score), at=AT), Verdict.STALE
        )
        assert f"does not go back to {status}" in reason

    def test_an_observation_older_than_the_last_applied_one_is_stale(self) -> None:
        stored = match(status=S.LIVE, score=(1, 0), last_observed=T0 + timedelta(minutes=40))
        old = observation(status=S.LIVE, score=(0, 0), changed_at=T0 + timedelta(minutes=10))
        reason = not_applied(apply_observation(stored, old, at=AT), Verdict.STALE)
        assert "not newer" in reason

    def test_another_state_with_the_same_change_time_is_stale(self) -> None:
        seen = T0 + timedelta(minutes=40)
        stored = match(status=S.FINISHED, score=(1, 0), last_observed=seen)
        not_applied(
            apply_observation(stored, observation(score=(2, 0), changed_at=seen), at=AT),
            Verdict.STALE,
        )

    def test_a_newer_correction_is_applied(self) -> None:
        seen = T0 + timedelta(minutes=40)
        stored = match(status=S.FINISHED, score=(1, 0), last_observed=seen)
        later = seen + timedelta(minutes=1)
        outcome = applied(
            apply_observation(stored, observation(score=(2, 0), changed_at=later), at=AT)
        )
        assert outcome.match.last_observed == later


class TestUnchanged:
    def test_the_stored_state_again_is_unchanged(self) -> None:
        stored = match(status=S.FINISHED, score=(1, 0))
        reason = not_applied(
            apply_observation(stored, observation(score=(1, 0)), at=AT), Verdict.UNCHANGED
        )
        assert reason == "still finished 1-0"

    def test_an_old_observation_that_agrees_is_unchanged_not_stale(self) -> None:
        stored = match(status=S.FINISHED, score=(1, 0), last_observed=AT)
        outcome = apply_observation(stored, observation(score=(1, 0), changed_at=T0), at=AT)
        not_applied(outcome, Verdict.UNCHANGED)

    def test_the_same_kickoff_in_another_zone_is_the_same_kickoff(self) -> None:
        local = T0.astimezone(ZoneInfo("America/Sao_Paulo"))
        outcome = apply_observation(match(), observation(status=S.SCHEDULED, kickoff=local), at=AT)
        not_applied(outcome, Verdict.UNCHANGED)


class TestRejected:
    @pytest.mark.parametrize(
        ("obs", "words"),
        [
            (observation(status=S.POSTPONED, score=(0, 0)), "a postponed match has no score"),
            (observation(status=S.CANCELLED, score=(1, 0)), "a cancelled match has no score"),
            (observation(status=S.SCHEDULED, score=(0, 0)), "a scheduled match has no score"),
            (observation(status=S.FINISHED), "a finished match needs a score"),
            (observation(status=S.AWARDED), "an awarded match needs a score"),
            (
                observation(status=S.LIVE, score=(1, 0), ended=Ending.REGULAR),
                "only a finished or awarded match has an ending",
            ),
            (
                observation(score=(2, 1), ended=Ending.PENALTIES, shootout=(4, 3)),
                "needs a level score after extra time",
            ),
            (
                observation(score=(1, 1), ended=Ending.EXTRA_TIME, shootout=(4, 3)),
                "on a match that ended extra_time",
            ),
            (observation(score=(1, 1), ended=Ending.PENALTIES), "needs the shoot-out score"),
            (observation(score=(1, 1), shootout=(3, 3)), "a shoot-out has a winner"),
            (
                observation(status=S.LIVE, score=(1, 1), shootout=(3, 2)),
                "a shoot-out (3-2) on a live",
            ),
            (
                observation(status=S.AWARDED, score=(0, 0), shootout=(3, 2)),
                "a shoot-out (3-2) on an awarded",
            ),
        ],
    )
    def test_incoherent_observations_are_rejected_with_the_reason(
        self, obs: Observation, words: str
    ) -> None:
        stored = match(status=S.LIVE, score=(1, 1), version=5)
        reason = not_applied(apply_observation(stored, obs, at=AT), Verdict.REJECTED)
        assert words in reason
        assert check_observation(obs) == reason

    def test_a_negative_score_cannot_even_be_made(self) -> None:
        with pytest.raises(ValueError, match="non-negative"):
            Score(-1, 0)
        with pytest.raises(ValueError, match="non-negative"):
            Score(1, True)

    def test_an_observation_of_another_match_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="applied to match"):
            apply_observation(match("m1"), observation("m2", score=(1, 0)), at=AT)


class TestCreate:
    def source(self, obs: Observation, home: str = "a", away: str = "b") -> SourceMatch:
        return SourceMatch("matchday-1", home, away, obs, group="A")

    def test_a_new_match_starts_at_version_zero_with_a_created_record(self) -> None:
        obs = observation(status=S.SCHEDULED, kickoff=T0)
        outcome = applied(create_match("liga-test", "scripted", self.source(obs), at=AT))
        assert outcome.match == match(group="A", last_observed=AT)
        assert outcome.verdict is Verdict.CREATED
        assert outcome.change.before is None
        assert outcome.change.after == outcome.match.state
        assert outcome.change.reason == "imported: scheduled"

    def test_an_already_finished_match_is_created_finished(self) -> None:
        obs = observation(score=(3, 1), kickoff=T0, changed_at=T0 + timedelta(hours=2))
        created = applied(create_match("liga-test", "scripted", self.source(obs), at=AT))
        assert created.match.state == state(S.FINISHED, (3, 1))
        assert created.match.last_observed == T0 + timedelta(hours=2)

    @pytest.mark.parametrize(
        ("obs", "home", "words"),
        [
            (observation(score=(3, 1)), "a", "needs a kickoff"),
            (observation(status=S.SCHEDULED, kickoff=T0), "b", "cannot play itself"),
            (observation(kickoff=T0), "a", "needs a score"),
        ],
    )
    def test_a_match_that_cannot_exist_is_rejected(
        self, obs: Observation, home: str, words: str
    ) -> None:
        reason = not_applied(
            create_match("liga-test", "scripted", self.source(obs, home=home), at=AT),
            Verdict.REJECTED,
        )
        assert words in reason


def test_not_applied_only_carries_the_three_verdicts() -> None:
    with pytest.raises(ValueError, match="not a reason"):
        NotApplied(Verdict.UPDATED, "x")


# Properties.


def apply_all(stored: Match, sequence: list[Observation]) -> tuple[Match, int]:
    applied_count = 0
    at = AT
    for obs in sequence:
        at += timedelta(minutes=1)
        outcome = apply_observation(stored, obs, at=at)
        if isinstance(outcome, Applied):
            applied_count += 1
            stored = outcome.match
    return stored, applied_count


@given(st.lists(observations(), max_size=12), st.sampled_from(sorted(DECIDED)))
def test_a_decided_match_never_regresses(sequence: list[Observation], decided: MatchStatus) -> None:
    stored = match(status=decided, score=(1, 0))
    at = AT
    for obs in sequence:
        at += timedelta(minutes=1)
        outcome = apply_observation(stored, obs, at=at)
        if isinstance(outcome, Applied):
            stored = outcome.match
        assert stored.status in DECIDED


@given(observations(), st.sampled_from(S))
def test_applying_an_observation_twice_is_applying_it_once(
    obs: Observation, status: MatchStatus
) -> None:
    stored = match(status=status, score=(0, 0) if status in DECIDED else None)
    first = apply_observation(stored, obs, at=AT)
    after_once = first.match if isinstance(first, Applied) else stored
    second = apply_observation(after_once, obs, at=AT + timedelta(hours=1))
    assert isinstance(second, NotApplied)
    if isinstance(first, Applied):
        assert second.verdict is Verdict.UNCHANGED
    else:
        assert second.verdict is first.verdict


@given(
    st.lists(observations(), min_size=1, max_size=10),
    st.sampled_from(S),
    st.none() | st.sampled_from([AT - timedelta(days=1), AT + timedelta(days=1)]),
)
def test_applying_a_list_of_observations_twice_is_applying_it_once(
    sequence: list[Observation], status: MatchStatus, last_observed: datetime | None
) -> None:
    """Any list (any order, timed or not, coherent or not): applied again, it changes nothing.

    "Applying a list" is what one fetch does to a match, `apply_observations`: the list's newest
    word. Applying each observation in turn cannot promise this for a list out of time order
    (`test_stepping_through_a_list_out_of_order_would_not_be_idempotent` shows why), and one
    fetch has only one "now" to tell anyway.
    """
    stored = attrs.evolve(
        match(status=status, score=(0, 0) if status in DECIDED else None),
        last_observed=last_observed,
    )
    first = apply_observations(stored, sequence, at=AT)
    once = first.match if isinstance(first, Applied) else stored
    if isinstance(first, Applied):
        assert once.version == stored.version + 1
    second = apply_observations(once, sequence, at=AT + timedelta(hours=1))
    assert isinstance(second, NotApplied)
    assert second.verdict is (Verdict.UNCHANGED if isinstance(first, Applied) else first.verdict)


def test_stepping_through_a_list_out_of_order_would_not_be_idempotent() -> None:
    # Why a list is applied as its newest word: one step at a time, the first observation here
    # changes nothing and so leaves no trace; the second applies; on the second pass the first
    # is newer than what is stored, applies, and the match goes back to scheduled.
    sequence = [
        observation(status=S.SCHEDULED, changed_at=AT + timedelta(minutes=5)),
        observation(status=S.LIVE, score=(0, 0), changed_at=AT),
    ]
    once, _ = apply_all(match(), sequence)
    twice, _ = apply_all(once, sequence)
    assert (once.status, twice.status) == (S.LIVE, S.SCHEDULED)
    # As one fetch, the newest word (scheduled, five minutes later) leaves the match alone.
    first = apply_observations(match(), sequence, at=AT)
    assert isinstance(first, NotApplied)
    assert first.verdict is Verdict.UNCHANGED


def test_the_latest_observation_is_the_newest_then_the_last_listed() -> None:
    early = observation(status=S.LIVE, score=(0, 0), changed_at=AT)
    late = observation(status=S.LIVE, score=(1, 0), changed_at=AT + timedelta(minutes=1))
    untimed = observation(status=S.LIVE, score=(2, 0))
    also_late = observation(status=S.LIVE, score=(3, 0), changed_at=AT + timedelta(minutes=1))
    assert latest_observation([late, early]) is late
    assert latest_observation([early, untimed]) is untimed
    assert latest_observation([untimed, early]) is early
    assert latest_observation([also_late, untimed, late, early]) is late
    with pytest.raises(ValueError, match="no observation"):
        latest_observation([])


@given(st.lists(observations(), max_size=12))
def test_every_applied_change_is_coherent_and_chained(sequence: list[Observation]) -> None:
    stored = match()
    at = AT
    for obs in sequence:
        at += timedelta(minutes=1)
        outcome = apply_observation(stored, obs, at=at)
        if isinstance(outcome, Applied):
            assert outcome.change.before == stored.state
            assert outcome.change.after == outcome.match.state
            assert outcome.match.version == stored.version + 1
            assert outcome.change.reason
            new_state = outcome.match.state
            if new_state.status in DECIDED:
                assert new_state.score is not None
            if new_state.shootout is not None:
                assert new_state.ended is Ending.PENALTIES
                assert new_state.score is not None
                assert new_state.score.home == new_state.score.away
            expected_kind = (
                ChangeKind.CORRECTION if stored.status in DECIDED else ChangeKind.UPDATED
            )
            assert outcome.change.kind is expected_kind
            stored = outcome.match
        else:
            assert outcome.reason
