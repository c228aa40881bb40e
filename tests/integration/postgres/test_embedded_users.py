"""The embedded PostgreSQL stops with the last `bestshot serve` alive, even after another one
was killed with SIGKILL (which never leaves pgserver's list of the server's users)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HANDLES_FILE = ".handle_pids.json"  # pgserver's list of the server's users, in its data folder
# Generous guards: only reached when something hangs, never by a passing run.
START_GUARD = 120
STOP_GUARD = 60


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Outside pytest's basetemp, which a concurrent pytest run may prune under a live server.
    folder = Path(tempfile.mkdtemp(prefix="bestshot-test-data-"))
    try:
        yield folder
    finally:
        _stop_leftover(folder / "pgdata")
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _postmaster(pgdata: Path) -> int | None:
    """The pid of the server running on `pgdata`, from its postmaster.pid, if it runs."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return pid if _running(pid) else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _postgres_processes(pgdata: Path) -> list[int]:
    """Every postgres process whose command line names `pgdata` (the process list)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command and command[0].endswith(b"postgres") and str(pgdata).encode() in command:
            found.append(int(entry.name))
    return [pid for pid in found if _running(pid)]


def _stop_leftover(pgdata: Path) -> None:
    # A failing run must not leave a server behind on the machine.
    pid = _postmaster(pgdata)
    if pid is not None:
        os.kill(pid, signal.SIGQUIT)


def _serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "NODE_ENV": "demo",
        "BESTSHOT_DATA_DIR": str(data_dir),
        "WORKER_ENABLED": "false",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + START_GUARD
    while True:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"bestshot serve exited with {process.returncode}: {stderr}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).raise_for_status()
            return process, port
        except httpx.TransportError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("bestshot serve did not answer")
            time.sleep(0.2)


def _wait_until_gone(pgdata: Path) -> None:
    deadline = time.monotonic() + STOP_GUARD
    while _postmaster(pgdata) is not None or _postgres_processes(pgdata):
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_after_a_killed_serve_the_next_one_to_stop_stops_the_server(
    data_dir: Path, stop: signal.Signals
) -> None:
    pgdata = data_dir / "pgdata"
    killed, _ = _serve(data_dir)
    server = _postmaster(pgdata)
    assert server is not None
    killed.kill()
    killed.wait(timeout=STOP_GUARD)
    if killed.stderr:
        killed.stderr.close()
    # SIGKILL leaves no chance to stop anything: the server runs on, the dead pid is listed.
    assert _postmaster(pgdata) == server
    assert killed.pid in json.loads((pgdata / HANDLES_FILE).read_text())

    second, _ = _serve(data_dir)
    assert _postmaster(pgdata) == server  # joined, not started again
    listed = json.loads((pgdata / HANDLES_FILE).read_text())
    assert listed == [second.pid]  # the dead one was forgotten at start

    second.send_signal(stop)
    _, stderr = second.communicate(timeout=STOP_GUARD)
    assert second.returncode == 0, stderr.decode()
    _wait_until_gone(pgdata)
    assert _postmaster(pgdata) is None
    assert not (pgdata / "postmaster.pid").exists()
    assert _postgres_processes(pgdata) == []
    assert json.loads((pgdata / HANDLES_FILE).read_text()) == []


def test_a_user_killed_while_another_runs_does_not_keep_the_server_after_the_last(
    data_dir: Path,
) -> None:
    pgdata = data_dir / "pgdata"
    first, _ = _serve(data_dir)
    second, _ = _serve(data_dir)
    assert sorted(json.loads((pgdata / HANDLES_FILE).read_text())) == sorted(
        [first.pid, second.pid]
    )
    second.kill()  # killed after the first started: only the first's stop can forget it
    second.wait(timeout=STOP_GUARD)
    if second.stderr:
        second.stderr.close()

    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=STOP_GUARD)
    assert first.returncode == 0, stderr.decode()
    _wait_until_gone(pgdata)
    assert _postmaster(pgdata) is None
    assert _postgres_processes(pgdata) == []
