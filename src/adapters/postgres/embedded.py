"""A real PostgreSQL server from the `pgserver` wheel, for laptops, CI and tests: no Docker.

The server keeps its data in a folder (`./.bestshot/pgdata` by default) and listens on a Unix
socket inside it, never on a network port. A second start on the same folder reuses the data;
when several processes use the same folder, pgserver counts them and the last one to leave
stops the server. Processes that died without leaving (SIGKILL) are dropped from its count at
each start and stop (`forget_gone_users`), or the server would outlive every later user.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self

from adapters.extras import needs_extra
from bestshot_domain.errors import MissingExtra, StorageUnavailable

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(".bestshot") / "pgdata"
DEFAULT_DATABASE = "bestshot"
HANDLES_FILE = ".handle_pids.json"  # pgserver's list of the processes using the server

CleanupMode = Literal["stop", "delete"]


def _server_class() -> type[PostgresServer]:
    # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, containers, root);
    # pgserver then keeps its lock file under /tmp, which is what we want anyway.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        with needs_extra("server", "the embedded PostgreSQL (no DATABASE_URL set)", "pgserver"):
            from pgserver.postgres_server import PostgresServer  # noqa: PLC0415 - when asked

    return PostgresServer


def _get_server(data_dir: Path, cleanup: CleanupMode) -> PostgresServer:
    _server_class()  # the module's first import warns, and may lack the extra: done there
    from pgserver.postgres_server import get_server  # noqa: PLC0415 - only when asked for

    return get_server(data_dir, cleanup_mode=cleanup)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:
        # A killed process its parent has not reaped yet is a zombie: gone all the same.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): kill(0) is all there is to go by
    return state != "Z"


def forget_gone_users(data_dir: Path) -> list[int]:
    """Drop from pgserver's list of the server's users the processes that are gone; the pids
    dropped.

    pgserver counts its users in `<data>/.handle_pids.json` and stops the server when the last
    one leaves, but a user killed with SIGKILL never leaves: its pid stays, and every later
    user then leaves the server running. Done under pgserver's own lock, at each start and
    stop, so that the last process alive is the last one in the list.
    """
    handles = data_dir / HANDLES_FILE
    # pgserver's own inter-process lock of that file: its users register and leave under it.
    with _server_class()._lock:
        try:
            listed = json.loads(handles.read_text())
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            listed = None
        if not isinstance(listed, list) or not all(type(pid) is int for pid in listed):
            # pgserver itself would fail on it at every start: begin a new list.
            logger.warning("embedded PostgreSQL: %s was unreadable; starting it anew", handles)
            listed = []
            handles.write_text("[]")
        gone = [pid for pid in listed if pid != os.getpid() and not _is_running(pid)]
        if gone:
            handles.write_text(json.dumps([pid for pid in listed if pid not in gone]))
    if gone:
        logger.info("embedded PostgreSQL: forgot %d user(s) that are gone: %s", len(gone), gone)
    return gone


class EmbeddedPostgres:
    """`with EmbeddedPostgres(path) as server:` starts (or joins) the server; `server.url(db)`."""

    def __init__(self, data_dir: Path | str = DEFAULT_DATA_DIR, *, cleanup: CleanupMode = "stop"):
        self.data_dir = Path(data_dir).expanduser().resolve()
        self._cleanup: CleanupMode = cleanup
        self._server: PostgresServer | None = None

    def start(self) -> Self:
        if self._server is not None:
            return self
        try:
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            if self.data_dir.is_dir():
                forget_gone_users(self.data_dir)
            server = _get_server(self.data_dir, self._cleanup)
        except MissingExtra:
            raise
        except Exception as error:  # pgserver lets its commands' own errors through
            raise StorageUnavailable(
                f"the embedded PostgreSQL did not start in {self.data_dir} "
                f"({type(error).__name__}: {error}); its log is {self.data_dir / 'log'}"
            ) from error
        self._server = server
        logger.info(
            "embedded PostgreSQL running: data in %s, socket in %s",
            self.data_dir,
            server.get_postmaster_info().socket_dir,
        )
        return self

    def url(self, database: str = "postgres") -> str:
        if self._server is None:
            raise RuntimeError("the embedded PostgreSQL is not started")
        return self._server.get_uri(database=database)

    def stop(self) -> None:
        """Leave the server: the last process to leave stops it (and deletes it on "delete")."""
        server, self._server = self._server, None
        if server is not None:
            try:
                # Users killed since we started would otherwise keep the server running after us.
                forget_gone_users(self.data_dir)
            except OSError as error:
                logger.warning("embedded PostgreSQL: its users could not be checked: %s", error)
            server.cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
