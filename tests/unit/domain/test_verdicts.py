"""What a round's answers may write under each verify mode: the invariants."""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.model import MatchStatus, Observation, VerifyMode
from bestshot_domain.verdicts import Answers, verify_round
from bestshot_domain.verification import (
    Answer,
    Dispute,
    DisputeKind,
    PendingFinal,
    VerifyPolicy,
    dispute_id,
)
from tests.builders import T0, match, observation, tournament

AT = T0 + timedelta(hours=3)
POLICY = VerifyPolicy(settle_window=timedelta(minutes=10))
IDS = ("m1", "m2", "m3")

words = st.one_of(
    st.none(),
    st.sampled_from([(MatchStatus.LIVE, (0, 0)), (MatchStatus.LIVE, (1, 0))]),
    st.tuples(st.just(MatchStatus.FINISHED), st.tuples(st.integers(0, 2), st.integers(0, 2))),
)


def said(external_id: str, word: tuple[MatchStatus, tuple[int, int]] | None) -> list[Observation]:
    return [] if word is None else [observation(external_id, word[0], word[1])]


def final(obs: Observation) -> tuple[object, ...] | None:
    return (obs.status, obs.score) if obs.status is MatchStatus.FINISHED else None


@given(
    st.lists(st.tuples(words, words), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_agree_writes_only_finals_both_report_and_opens_one_dispute_per_match(
    answers: list[tuple[object, object]], decided: list[bool], disputed: list[bool]
) -> None:
    matches = [
        match(i, status=MatchStatus.FINISHED, score=(1, 1))
        if done
        else match(i, status=MatchStatus.LIVE, score=(0, 0))
        for i, done in zip(IDS, decided, strict=True)
    ]
    primary = {i: said(i, a) for i, (a, _) in zip(IDS, answers, strict=True)}  # type: ignore[arg-type]
    fallback = {i: said(i, b) for i, (_, b) in zip(IDS, answers, strict=True)}  # type: ignore[arg-type]
    open_ = {
        m.key: Dispute(
            dispute_id("liga-test", m.key, T0),
            "liga-test",
            "matchday-1",
            m.key,
            DisputeKind.DISAGREEMENT,
            (),
            T0,
        )
        for m, flag in zip(matches, disputed, strict=True)
        if flag
    }
    checked = evolve(tournament(), verify=VerifyMode.AGREE)
    verified = verify_round(
        checked,
        matches,
        Answers("scripted", "backup", primary, fallback),
        disputes=open_,
        pending={},
        at=AT,
        policy=POLICY,
    )
    for applied in verified.observations:
        if final(applied) is not None:
            theirs = fallback[applied.external_id]
            assert theirs
            assert final(theirs[0]) == final(applied)
    opened = [d.match for d in verified.opened]
    assert len(opened) == len(set(opened))
    assert not set(opened) & set(open_)
    assert {d.match for d in verified.closed} <= set(open_)
    held = set(verified.held)
    assert not held & {f"scripted:{o.external_id}" for o in verified.observations}


@given(words, st.integers(0, 20), st.sampled_from([None, (2, 1), (1, 1)]))
def test_settle_writes_a_final_only_once_it_has_held_for_the_window(
    word: tuple[MatchStatus, tuple[int, int]] | None, minutes: int, waiting: tuple[int, int] | None
) -> None:
    live = match("m1", status=MatchStatus.LIVE, score=(0, 0))
    pending = {}
    if waiting is not None:
        first = AT - timedelta(minutes=minutes)
        answer = Answer(
            "scripted", MatchStatus.FINISHED, observation("m1", MatchStatus.FINISHED, waiting).score
        )
        pending = {live.key: PendingFinal("liga-test", live.key, answer, first)}
    verified = verify_round(
        evolve(tournament(), verify=VerifyMode.SETTLE),
        [live],
        Answers("scripted", None, {"m1": said("m1", word)}, None),
        disputes={},
        pending=pending,
        at=AT,
        policy=POLICY,
    )
    reported = said("m1", word)
    if reported and final(reported[0]) is not None:
        settled = (
            waiting is not None
            and final(reported[0]) == (MatchStatus.FINISHED, pending[live.key].answer.score)
            and minutes >= 10
        )
        assert bool(verified.observations) == settled
        assert (live.key in verified.held) == (not settled)
        if not settled:
            assert verified.settle_due is not None
            assert verified.settle_due > AT
    else:
        assert list(verified.observations) == reported  # no final: passes through
