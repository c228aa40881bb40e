"""Reading a file named from outside (an import's reference) only when it is a regular file.

A FIFO would block the reader until some writer came, a device may never end or act on being
opened: such paths are refused from `os.stat`, before any open. The open itself is
non-blocking and checked again on the descriptor, so that a path swapped for a FIFO between the
check and the open is refused too, never waited on.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class NotARegularFile(OSError):
    """The path is a folder, a FIFO, a socket or a device: nothing was read from it."""


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path`; FileNotFoundError (or another OSError) when it cannot be read,
    NotARegularFile when it is no regular file."""
    before = os.stat(path)  # follows links, as the open does
    if not stat.S_ISREG(before.st_mode):
        raise NotARegularFile(f"{path.name}: not a regular file")
    with open(os.open(path, _FLAGS), "rb") as file:
        after = os.fstat(file.fileno())
        if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise NotARegularFile(f"{path.name}: changed while it was opened")
        return file.read()
