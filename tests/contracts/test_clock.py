"""The Clock contract: aware UTC time that does not run backwards."""

from __future__ import annotations

from datetime import timedelta

from bestshot_domain.ports import Clock


def test_now_is_timezone_aware_utc(clock: Clock) -> None:
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_now_does_not_run_backwards(clock: Clock) -> None:
    readings = [clock.now() for _ in range(100)]
    assert readings == sorted(readings)
