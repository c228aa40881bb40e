"""`StandingsStatus.reusable`: stored tables stand for the current ones only when they were
computed at the current revision, with the current rules, by the same (known) engine."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.model import StandingsSnapshot, StandingsStatus
from tests.builders import T0

ENGINE = "bestshot 1.2.3, engine edition 4"
revisions = st.integers(0, 3)
rules = st.sampled_from(["premier_league", "la_liga"])
engines = st.sampled_from([ENGINE, "bestshot 1.2.3, engine edition 3", ""])


@given(revisions, rules, revisions, rules, engines, engines)
def test_stored_tables_are_reusable_exactly_when_revision_rules_and_engine_match(
    current_revision: int,
    current_rules: str,
    revision: int,
    stored_rules: str,
    stored_engine: str,
    engine: str,
) -> None:
    snapshot = StandingsSnapshot("liga", stored_rules, T0, (), revision, stored_engine)
    status = StandingsStatus(current_revision, current_rules, snapshot)
    same = (revision, stored_rules, stored_engine) == (current_revision, current_rules, engine)
    expected = snapshot if same and engine else None
    assert status.reusable(engine) is expected


def test_nothing_is_reusable_before_the_first_computation() -> None:
    assert StandingsStatus(0, "la_liga", None).reusable(ENGINE) is None
