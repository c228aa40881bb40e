"""A child that stops when its parent dies (`entrypoints.orphans`): the portable watcher, where
the kernel cannot be asked (the Linux path is exercised end to end by
tests/integration/api/test_api_serve_workers.py, which SIGKILLs a real parent).

Waits are bounded by BOUND; nothing is timed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

import pytest

from entrypoints import orphans

BOUND = 30.0


@pytest.fixture
def usr1() -> Iterator[threading.Event]:
    """An event set when this process receives SIGUSR1 (standing in for SIGTERM)."""
    received = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        received.set()

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        yield received
    finally:
        signal.signal(signal.SIGUSR1, previous)


def _wait(event: threading.Event) -> bool:
    # The handler runs in the main thread between bytecodes: wait in short steps.
    return any(event.wait(0.01) for _ in range(int(BOUND / 0.01)))


def test_without_the_kernel_a_watcher_signals_once_the_parent_is_gone(
    monkeypatch: pytest.MonkeyPatch, usr1: threading.Event
) -> None:
    monkeypatch.setattr(orphans, "_death_signal", lambda signum: False)
    # This process's parent is not the one it was started by: that one is gone.
    orphans.exit_with_parent(os.getppid() + 1_000_000, signal.SIGUSR1, interval=0.01)
    assert _wait(usr1)


def test_a_watcher_is_quiet_while_the_parent_lives(
    monkeypatch: pytest.MonkeyPatch, usr1: threading.Event
) -> None:
    monkeypatch.setattr(orphans, "_death_signal", lambda signum: False)
    gone = threading.Event()
    monkeypatch.setattr(orphans, "_parent_gone", lambda parent, signum: gone.set())
    watching = orphans.exit_with_parent(os.getppid(), signal.SIGUSR1, interval=0.01)
    try:
        assert not gone.wait(0.5)  # many looks at the parent, none found it gone
    finally:
        watching.set()
    assert not usr1.is_set()


def test_a_parent_gone_before_the_kernel_was_asked_is_noticed_at_once(
    monkeypatch: pytest.MonkeyPatch, usr1: threading.Event
) -> None:
    asked: list[int] = []

    def death_signal(signum: int) -> bool:
        asked.append(signum)
        return True  # the kernel agreed, but the parent it would watch is not the original

    monkeypatch.setattr(orphans, "_death_signal", death_signal)
    orphans.exit_with_parent(os.getppid() + 1_000_000, signal.SIGUSR1)
    assert asked == [signal.SIGUSR1]
    assert _wait(usr1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_linux_agrees_to_signal_on_the_parents_death() -> None:
    # 0 asks for no signal at all, the default: the test process is left as it started.
    assert orphans._death_signal(0)


def test_elsewhere_the_kernel_is_not_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not orphans._death_signal(signal.SIGTERM)
