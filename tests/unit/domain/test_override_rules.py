"""The override rules: an overridden match is never changed by a provider, and a provider's
word is recorded beside it once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.errors import InvalidInput
from bestshot_domain.lifecycle import Verdict
from bestshot_domain.model import ChangeKind, Ending, MatchStatus, Observation, Override, Score
from bestshot_domain.override_rules import (
    observe_overridden,
    release,
    requested_state,
    set_override,
)
from bestshot_domain.round_update import reconcile
from tests.builders import T0, match, state
from tests.strategies import observations

FINAL = state(MatchStatus.FINISHED, (2, 1))
STORED = match("m1", status=MatchStatus.FINISHED, score=(1, 1), last_observed=T0, version=2)


def overridden(**changes: object) -> Override:
    values: dict[str, object] = {
        "match": STORED.key,
        "state": FINAL,
        "reason": "report",
        "by": "alice",
        "at": T0,
    }
    values.update(changes)
    return Override(**values)  # type: ignore[arg-type]


@given(st.lists(st.lists(observations(), min_size=1, max_size=3), min_size=1, max_size=6))
def test_no_provider_answer_changes_an_overridden_match(
    fetches: list[list[Observation]],
) -> None:
    override = overridden()
    other = match("m2", home="c", away="d")
    recorded = 0
    for n, fetch in enumerate(fetches):
        at = T0 + timedelta(minutes=n)
        update = reconcile(
            "liga-test",
            "matchday-1",
            [STORED, other],
            fetch,
            at=at,
            overrides={STORED.key: override},
        )
        assert all(saved.key != STORED.key for saved in update.saved)
        assert update.discipline == ()
        for seen in update.observed:
            override = seen
        recorded += sum(c.kind is ChangeKind.OBSERVATION for c in update.changes)
        # The same fetch again records nothing new.
        again = reconcile(
            "liga-test",
            "matchday-1",
            [STORED, other],
            fetch,
            at=at,
            overrides={STORED.key: override},
        )
        assert again.observed == ()
        assert [c for c in again.changes if c.kind is ChangeKind.OBSERVATION] == []
    assert recorded <= len(fetches)


def test_an_observation_is_kept_beside_the_override() -> None:
    said = Observation("m1", MatchStatus.FINISHED, Score(1, 1))
    overruled = observe_overridden(STORED, overridden(), [said], at=T0)
    assert overruled.verdict is Verdict.OVERRIDDEN
    assert overruled.override is not None
    assert overruled.override.provider_says == state(MatchStatus.FINISHED, (1, 1))
    assert overruled.change is not None
    assert (overruled.change.kind, overruled.change.source) == (ChangeKind.OBSERVATION, "scripted")
    assert overruled.change.before == STORED.state
    incoherent = observe_overridden(
        STORED, overridden(), [Observation("m1", MatchStatus.FINISHED)], at=T0
    )
    assert (incoherent.verdict, incoherent.override) == (Verdict.REJECTED, None)


def test_setting_an_override_moves_the_match_once() -> None:
    written = set_override(STORED, None, FINAL, "report", "alice", at=T0)
    assert written is not None
    assert written.state_changed
    assert (written.match.state, written.match.version) == (FINAL, 3)
    assert written.match.last_observed is None
    assert (written.change.kind, written.change.source, written.change.reason) == (
        ChangeKind.OVERRIDE,
        "alice",
        "report",
    )
    assert set_override(written.match, written.override, FINAL, "report", "bob", at=T0) is None
    pinned = set_override(written.match, written.override, FINAL, "another reason", "bob", at=T0)
    assert pinned is not None
    assert not pinned.state_changed
    assert pinned.match == written.match


def test_a_release_records_the_state_it_leaves() -> None:
    change = release(STORED, "bob", "", at=T0)
    assert (change.kind, change.before, change.after, change.source) == (
        ChangeKind.RELEASE,
        STORED.state,
        STORED.state,
        "bob",
    )
    assert change.reason == "override released"


def test_a_requested_state_follows_the_lifecycles_rules() -> None:
    shootout = requested_state(STORED, MatchStatus.FINISHED, Score(1, 1), None, Score(4, 3))
    assert shootout.ended is Ending.PENALTIES
    assert shootout.kickoff == STORED.kickoff
    with pytest.raises(InvalidInput, match="needs a score"):
        requested_state(STORED, MatchStatus.FINISHED)
    with pytest.raises(InvalidInput, match="level score"):
        requested_state(STORED, MatchStatus.FINISHED, Score(2, 1), None, Score(4, 3))
