"""A child process that stops when its parent dies (`bestshot serve --workers N`).

A parent killed with SIGKILL cannot stop its children: they would go on holding the port and
their database pools. On Linux the kernel sends the child a signal when its parent goes
(`prctl(PR_SET_PDEATHSIG)`); elsewhere, or if that call fails, a thread watches the parent's
pid. Either way the child gets SIGTERM, which stops a server gracefully (what is in flight is
answered, then the pool is closed).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading

logger = logging.getLogger("bestshot.serve")

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 1.0  # seconds between two looks at the parent's pid, where the kernel cannot tell


def _death_signal(signum: int) -> bool:
    """Ask Linux to send `signum` when the parent dies; whether it agreed.

    The kernel means the parent *thread*: the parent must start its children from a thread that
    lives as long as it does (the main thread, as `serve_workers` does)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, signum: int, interval: float, stop: threading.Event) -> None:
    while os.getppid() == parent:
        if stop.wait(interval):
            return
    _parent_gone(parent, signum)


def _parent_gone(parent: int, signum: int) -> None:
    logger.warning("the parent process %d is gone: stopping", parent)
    os.kill(os.getpid(), signum)


def exit_with_parent(
    parent: int, signum: int = signal.SIGTERM, *, interval: float = WATCH_INTERVAL
) -> threading.Event:
    """Have `signum` sent to this process when `parent` (its parent's pid, as the parent saw it
    before starting it) dies; at once if it already has. Setting the event returned stops a
    watcher thread (there is none when the kernel watches)."""
    stop = threading.Event()
    if _death_signal(signum):
        # A parent that died before the kernel was asked sends nothing: the child was already
        # handed to another parent.
        if os.getppid() != parent:
            _parent_gone(parent, signum)
        return stop
    threading.Thread(
        target=_watch, args=(parent, signum, interval, stop), name="parent-watch", daemon=True
    ).start()
    return stop
