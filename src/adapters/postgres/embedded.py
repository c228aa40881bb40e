"""A real PostgreSQL server from the `pgserver` wheel, for laptops, CI and tests: no Docker.

The server keeps its data in a folder (`./.bestshot/pgdata` by default) and listens on a Unix
socket inside it, never on a network port. A second start on the same folder reuses the data;
when several processes use the same folder, pgserver counts them and the last one to leave
stops the server.
"""

from __future__ import annotations

import logging
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

CleanupMode = Literal["stop", "delete"]


def _get_server(data_dir: Path, cleanup: CleanupMode) -> PostgresServer:
    # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, containers, root);
    # pgserver then keeps its lock file under /tmp, which is what we want anyway.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        with needs_extra("server", "the embedded PostgreSQL (no DATABASE_URL set)", "pgserver"):
            from pgserver.postgres_server import get_server  # noqa: PLC0415 - only when asked for

    return get_server(data_dir, cleanup_mode=cleanup)


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
