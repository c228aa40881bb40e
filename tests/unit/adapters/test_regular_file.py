"""Files named from outside are read only when regular: a FIFO is refused, never waited on."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from adapters.files.regular import NotARegularFile, read_regular_file

# Generous: only reached when the reader blocks, never by a passing run.
BLOCKING_GUARD = 10


async def _read(path: Path) -> bytes:
    # In a thread, as the source reads: a read that blocks fails the test instead of hanging it.
    return await asyncio.wait_for(asyncio.to_thread(read_regular_file, path), BLOCKING_GUARD)


async def test_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b'{"matches": []}')
    assert await _read(tmp_path / "a.json") == b'{"matches": []}'


async def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await _read(tmp_path / "missing.json")


async def test_a_fifo_a_folder_and_a_socket_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "folder.json").mkdir()
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(tmp_path / "socket.json"))
        for name in ("fifo.json", "folder.json", "socket.json"):
            with pytest.raises(NotARegularFile):
                await _read(tmp_path / name)


async def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check sees a regular file; by the open, the path is a FIFO with no writer (which a
    # blocking open would wait for forever).
    (tmp_path / "regular.json").write_bytes(b"{}")
    os.mkfifo(tmp_path / "fifo.json")
    checked = os.stat(tmp_path / "regular.json")
    monkeypatch.setattr(os, "stat", lambda path: checked)

    with pytest.raises(NotARegularFile):
        await _read(tmp_path / "fifo.json")
