from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.accelerated_clock import AcceleratedClock

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_it_runs_speed_times_faster_than_the_monotonic_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticks = iter([100.0, 100.0, 102.5])
    monkeypatch.setattr("adapters.accelerated_clock.time.monotonic", lambda: next(ticks))
    clock = AcceleratedClock(START, speed=600)
    assert clock.now() == START
    assert clock.now() == START + timedelta(minutes=25)  # 2.5 s x 600
    assert clock.real_seconds(timedelta(hours=1)) == 6.0


@pytest.mark.parametrize("speed", [0, -1])
def test_a_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        AcceleratedClock(START, speed)


def test_the_start_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AcceleratedClock(START.replace(tzinfo=None), 2)
