"""Database settings, read from the environment by the entrypoints only.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | (unset) | a PostgreSQL URL; unset: the embedded server |
| BESTSHOT_DATA_DIR | `.bestshot` | where the embedded server keeps its data (`<dir>/pgdata`) |
| BESTSHOT_DB_POOL_MIN / BESTSHOT_DB_POOL_MAX | 1 / 10 | connections kept / allowed |
| BESTSHOT_DB_STATEMENT_TIMEOUT | 15 | seconds the server lets one statement run (0: no limit) |
| BESTSHOT_DB_COMMAND_TIMEOUT | 20 | seconds the client waits for an answer |
| BESTSHOT_DB_ACQUIRE_TIMEOUT | 10 | seconds a request waits for a free connection |
| BESTSHOT_DB_CONNECT_TIMEOUT | 10 | seconds to open a connection |
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from attrs import frozen

from adapters.postgres.pool import PoolConfig
from bestshot_domain.errors import InvalidInput

T = TypeVar("T", int, float)


def _number(env: Mapping[str, str], name: str, default: T, kind: Callable[[str], T]) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {raw!r}") from None
    if value < 0 or (isinstance(value, float) and not math.isfinite(value)):
        raise InvalidInput(f"{name} must be a non-negative number, got {raw!r}")
    return value


@frozen
class DatabaseSettings:
    url: str | None  # None: the embedded server
    data_dir: Path
    pool: PoolConfig

    @property
    def embedded_data_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DatabaseSettings:
        """Settings from `env` (usually `os.environ`); InvalidInput names a bad variable."""
        url = env.get("DATABASE_URL", "").strip() or None
        if url is not None and not url.startswith(("postgresql://", "postgres://")):
            # Never echo the value: it may carry a password.
            raise InvalidInput("DATABASE_URL must be a postgresql:// URL")
        pool_defaults = PoolConfig()
        try:
            pool = PoolConfig(
                min_size=_number(env, "BESTSHOT_DB_POOL_MIN", pool_defaults.min_size, int),
                max_size=_number(env, "BESTSHOT_DB_POOL_MAX", pool_defaults.max_size, int),
                statement_timeout=_number(
                    env, "BESTSHOT_DB_STATEMENT_TIMEOUT", pool_defaults.statement_timeout, float
                ),
                command_timeout=_number(
                    env, "BESTSHOT_DB_COMMAND_TIMEOUT", pool_defaults.command_timeout, float
                ),
                acquire_timeout=_number(
                    env, "BESTSHOT_DB_ACQUIRE_TIMEOUT", pool_defaults.acquire_timeout, float
                ),
                connect_timeout=_number(
                    env, "BESTSHOT_DB_CONNECT_TIMEOUT", pool_defaults.connect_timeout, float
                ),
            )
        except InvalidInput as error:
            raise InvalidInput(f"database pool settings: {error}") from None
        data_dir = Path(env.get("BESTSHOT_DATA_DIR", "").strip() or ".bestshot")
        return cls(url=url, data_dir=data_dir, pool=pool)
