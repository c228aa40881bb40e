"""How the pool behaves, as a plain value: no driver imported, so that reading the settings
(`entrypoints.settings.database`) does not load asyncpg."""

from __future__ import annotations

from attrs import field, frozen

from bestshot_domain.errors import InvalidInput
from bestshot_domain.validators import non_negative, positive

__all__ = ["SEASONS_KEPT", "PoolConfig"]

# Tournaments whose matches a process keeps (`season_cache`), by default: a 20-team season is
# about 150 KB, so about 40 MB a process at most.
SEASONS_KEPT = 256


@frozen
class PoolConfig:
    """How many connections, and how long a statement may take.

    `statement_timeout` is sent to the server as a session setting, so PostgreSQL itself cancels
    a statement that runs too long (a stuck lock wait included); `command_timeout` is the
    client's own limit on waiting for an answer, a little longer so the server's clearer error
    normally wins. Times are in seconds; 0 means no statement timeout.
    """

    min_size: int = field(default=1, validator=non_negative)
    max_size: int = field(default=10, validator=positive)
    statement_timeout: float = field(default=15.0, validator=non_negative)
    command_timeout: float = field(default=20.0, validator=positive)
    # Short: under a burst, a request that waits longer for a free connection is better
    # answered 503 with Retry-After (the caller comes back) than left to pile up.
    acquire_timeout: float = field(default=1.5, validator=positive)
    connect_timeout: float = field(default=10.0, validator=positive)
    application_name: str = "bestshot"

    def __attrs_post_init__(self) -> None:
        if self.min_size > self.max_size:
            raise InvalidInput(
                f"the pool's minimum size ({self.min_size}) exceeds its maximum ({self.max_size})"
            )

    def server_settings(self) -> dict[str, str]:
        return {
            "application_name": self.application_name,
            "statement_timeout": str(round(self.statement_timeout * 1000)),
            # A transaction left open by a crashed client must not hold its locks for ever.
            "idle_in_transaction_session_timeout": str(
                round(max(self.command_timeout, self.statement_timeout) * 1000 * 3)
            ),
        }
