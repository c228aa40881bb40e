from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.lifecycle import Verdict
from bestshot_domain.model import (
    Cards,
    ChangeKind,
    MatchDiscipline,
    MatchStatus,
    Observation,
    Score,
)
from bestshot_domain.round_update import MatchOutcome, reconcile
from tests.builders import T0, match, observation
from tests.strategies import observations

AT = T0 + timedelta(hours=3)
APPLIED = (Verdict.UPDATED, Verdict.CORRECTION)
S = MatchStatus


def test_each_observation_meets_its_match_and_the_summary_sorts_them() -> None:
    stored = [
        match("live", status=S.LIVE, score=(0, 0), version=2),
        match("done", status=S.FINISHED, score=(1, 0), version=4),
        match("same", status=S.FINISHED, score=(3, 3)),
        match("behind", status=S.FINISHED, score=(2, 0)),
        match("odd", version=1),
        match("silent"),
        match("later", kickoff=T0 + timedelta(hours=2)),
    ]
    update = reconcile(
        "liga-test",
        "matchday-1",
        stored,
        [
            observation("live", score=(2, 1)),
            observation("done", score=(1, 1)),
            observation("same", score=(3, 3)),
            observation("behind", S.LIVE, (1, 0)),
            observation("odd", S.POSTPONED, (0, 0)),
            observation("stranger", score=(9, 9)),
            observation("later", S.LIVE, (0, 0)),
        ],
        at=AT,
    )
    assert update.updated == ("scripted:live", "scripted:later")
    assert update.corrections == ("scripted:done",)
    assert update.unchanged == ("scripted:same",)
    assert update.stale == ("scripted:behind",)
    assert update.rejected == (
        MatchOutcome("scripted:odd", Verdict.REJECTED, "a postponed match has no score, got 0-0"),
    )
    assert update.missing == ("scripted:silent",)
    assert update.unknown == ("stranger",)
    assert update.awaiting == ("scripted:odd", "scripted:silent", "scripted:later")
    assert update.overdue == ("scripted:odd", "scripted:silent", "scripted:later")
    assert [(m.external_id, m.version) for m in update.saved] == [
        ("live", 3),
        ("done", 5),
        ("later", 1),
    ]
    assert [(c.match, c.kind) for c in update.changes] == [
        ("scripted:live", ChangeKind.UPDATED),
        ("scripted:done", ChangeKind.CORRECTION),
        ("scripted:later", ChangeKind.UPDATED),
    ]
    assert update.observed_at == AT


def test_a_match_observed_twice_gets_its_newest_word_once_one_version_up() -> None:
    stored = match(version=6)
    update = reconcile(
        "liga-test",
        "matchday-1",
        [stored],
        [observation(status=S.LIVE, score=(0, 0)), observation(score=(1, 0))],
        at=AT,
    )
    (saved,) = update.saved
    assert (saved.status, saved.version) == (S.FINISHED, 7)
    assert [c.reason for c in update.changes] == ["scheduled -> finished 1-0"]
    assert update.outcomes == (
        MatchOutcome("scripted:m1", Verdict.UPDATED, "scheduled -> finished 1-0"),
    )


def test_the_newest_word_is_the_latest_changed_at_wherever_it_is_listed() -> None:
    newer = observation(status=S.LIVE, score=(2, 0), changed_at=AT - timedelta(minutes=1))
    older = observation(status=S.LIVE, score=(1, 0), changed_at=AT - timedelta(minutes=30))
    untimed = observation(status=S.LIVE, score=(3, 0))
    for said, expected in (
        ([newer, older], (2, 0)),
        ([older, newer], (2, 0)),
        ([newer, untimed], (3, 0)),  # no time: as new as any, and listed last
        ([untimed, newer], (2, 0)),
    ):
        update = reconcile("liga-test", "matchday-1", [match()], said, at=AT)
        (saved,) = update.saved
        assert saved.score == Score(*expected), said


def test_nothing_observed_changes_nothing() -> None:
    update = reconcile("liga-test", "matchday-1", [match()], [], at=AT)
    assert (update.saved, update.changes, update.outcomes) == ((), (), ())
    assert update.missing == ("scripted:m1",)


@given(st.lists(st.sampled_from(["m1", "m2", "m3", "x"]).flatmap(observations), max_size=12))
def test_reconciling_the_same_observations_again_writes_nothing(said: list[Observation]) -> None:
    # Any list: in any order, timed or not, coherent or not, a match observed several times.
    stored = [match("m1"), match("m2", status=S.FINISHED, score=(1, 1)), match("m3", status=S.LIVE)]
    first = reconcile("liga-test", "matchday-1", stored, said, at=AT)
    originals = {m.key: m for m in stored}
    assert all(m.version == originals[m.key].version + 1 for m in first.saved)
    assert len(first.changes) == len(first.saved)
    assert len(first.changes) == sum(o.verdict in APPLIED for o in first.outcomes)
    after = [*(originals | {m.key: m for m in first.saved}).values()]
    again = reconcile("liga-test", "matchday-1", after, said, at=AT + timedelta(hours=1))
    assert again.saved == ()
    assert again.changes == ()
    assert all(o.verdict not in APPLIED for o in again.outcomes)


YELLOW = Cards(yellow=2)
RED = Cards(yellow=1, red=1)


def test_the_cards_an_observation_reports_are_written_where_they_changed() -> None:
    stored = [match("m1"), match("m2", home="c", away="d"), match("m3", home="e", away="f")]
    discipline = {("scripted:m2", "scripted:c"): YELLOW, ("scripted:m2", "scripted:d"): YELLOW}
    update = reconcile(
        "liga-test",
        "matchday-1",
        stored,
        [
            observation("m1", score=(1, 0), home_cards=YELLOW, away_cards=RED),
            observation("m2", score=(0, 0), home_cards=YELLOW, away_cards=RED),
            observation("m3", score=(2, 2)),  # says nothing of cards: nothing is cleared
        ],
        at=AT,
        discipline=discipline,
    )
    assert update.discipline == (
        MatchDiscipline("scripted:m1", "scripted:a", YELLOW),
        MatchDiscipline("scripted:m1", "scripted:b", RED),
        MatchDiscipline("scripted:m2", "scripted:d", RED),
    )


def test_cards_of_an_unchanged_match_count_but_not_those_of_a_stale_or_rejected_word() -> None:
    stored = [
        match("same", status=S.FINISHED, score=(1, 0)),
        match("done", status=S.FINISHED, score=(1, 0)),
        match("odd"),
    ]
    update = reconcile(
        "liga-test",
        "matchday-1",
        stored,
        [
            observation("same", score=(1, 0), home_cards=YELLOW),
            observation("done", S.LIVE, (0, 0), home_cards=RED),  # stale: behind the result
            observation("odd", S.POSTPONED, (1, 1), home_cards=RED),  # rejected
        ],
        at=AT,
    )
    assert update.unchanged == ("scripted:same",)
    assert update.discipline == (MatchDiscipline("scripted:same", "scripted:a", YELLOW),)
    again = reconcile(
        "liga-test",
        "matchday-1",
        stored,
        [observation("same", score=(1, 0), home_cards=YELLOW)],
        at=AT,
        discipline={("scripted:same", "scripted:a"): YELLOW},
    )
    assert again.discipline == ()


def test_overdue_are_the_awaited_matches_that_should_be_under_way_by_now() -> None:
    stored = [
        match("playing", status=S.LIVE, score=(0, 0)),
        match("late", kickoff=AT - timedelta(minutes=5)),
        match("sunday", kickoff=AT + timedelta(days=1)),
        match("stopped", status=S.SUSPENDED, kickoff=AT - timedelta(hours=1)),
        match("over", status=S.FINISHED, score=(1, 0)),
    ]
    update = reconcile("liga-test", "matchday-1", stored, [], at=AT)
    assert update.awaiting == (
        "scripted:playing",
        "scripted:late",
        "scripted:sunday",
        "scripted:stopped",
    )
    assert update.overdue == ("scripted:playing", "scripted:late")
