"""Times in the model are normalized to UTC, so equal instants compare equal after a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bestshot_domain.model import MatchState, MatchStatus

ZONES = st.sampled_from(
    [ZoneInfo("America/Sao_Paulo"), ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), UTC]
)


@given(st.datetimes(timezones=ZONES))
def test_a_kickoff_is_kept_in_utc_at_the_same_instant(kickoff: datetime) -> None:
    state = MatchState(MatchStatus.SCHEDULED, kickoff)
    assert state.kickoff.tzinfo is UTC
    assert state.kickoff.timestamp() == kickoff.timestamp()
    assert MatchState(MatchStatus.SCHEDULED, kickoff.astimezone(UTC)) == state


def test_a_local_time_in_a_dst_fold_compares_equal_to_its_instant() -> None:
    # 01:30 on 2024-11-03 happens twice in New York; fold=1 is the second, at 06:30 UTC.
    local = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York"))
    stored = MatchState(MatchStatus.SCHEDULED, local)
    assert stored == MatchState(MatchStatus.SCHEDULED, datetime(2024, 11, 3, 6, 30, tzinfo=UTC))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        MatchState(MatchStatus.SCHEDULED, datetime(2024, 1, 1))


def test_a_fixed_offset_is_converted() -> None:
    brasilia = timezone(timedelta(hours=-3))
    state = MatchState(MatchStatus.SCHEDULED, datetime(2026, 11, 28, 21, 30, tzinfo=brasilia))
    assert state.kickoff == datetime(2026, 11, 29, 0, 30, tzinfo=UTC)
    assert state.kickoff.tzinfo is UTC
