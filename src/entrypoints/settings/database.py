"""Where the data lives and how the pool behaves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import attrs
from attrs import frozen
from pydantic import Field, SecretStr, field_validator, model_validator

from adapters.postgres.config import SEASONS_KEPT, PoolConfig
from entrypoints.settings.concern import Concern

_POOL = PoolConfig()


@frozen
class DatabaseConfig:
    """What `entrypoints.database` opens."""

    url: str | None  # None: the embedded server
    data_dir: Path
    pool: PoolConfig
    seasons_kept: int = SEASONS_KEPT  # tournaments whose matches a process keeps

    @property
    def embedded_data_dir(self) -> Path:
        return self.data_dir / "pgdata"


class DatabaseSettings(Concern):
    url: SecretStr | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="Unset: an embedded PostgreSQL in BESTSHOT_DATA_DIR/pgdata.",
    )
    migration_url: SecretStr | None = Field(
        default=None,
        validation_alias="MIGRATION_DATABASE_URL",
        description="`bestshot db migrate` only: the schema owner's URL, so that the service's "
        "own role (DATABASE_URL) needs no DDL. Unset: DATABASE_URL.",
    )
    data_dir: Path = Field(
        default=Path(".bestshot"),
        validation_alias="BESTSHOT_DATA_DIR",
        description="Where the embedded server keeps its data.",
    )
    pool_min: int = Field(default=_POOL.min_size, ge=0, validation_alias="BESTSHOT_DB_POOL_MIN")
    pool_max: int = Field(default=_POOL.max_size, ge=1, validation_alias="BESTSHOT_DB_POOL_MAX")
    statement_timeout: float = Field(
        default=_POOL.statement_timeout,
        ge=0,
        validation_alias="BESTSHOT_DB_STATEMENT_TIMEOUT",
        description="Seconds; 0: no limit.",
    )
    command_timeout: float = Field(
        default=_POOL.command_timeout, gt=0, validation_alias="BESTSHOT_DB_COMMAND_TIMEOUT"
    )
    acquire_timeout: float = Field(
        default=_POOL.acquire_timeout, gt=0, validation_alias="BESTSHOT_DB_ACQUIRE_TIMEOUT"
    )
    connect_timeout: float = Field(
        default=_POOL.connect_timeout, gt=0, validation_alias="BESTSHOT_DB_CONNECT_TIMEOUT"
    )
    seasons_kept: int = Field(
        default=SEASONS_KEPT,
        ge=0,
        le=100_000,
        validation_alias="STANDINGS_SEASONS_KEPT",
        description="Tournaments whose matches each server process keeps in memory (about "
        "150 KB a 20-team season), so that a standings update reads only the matches changed "
        "since; 0: none (each update reads its season whole).",
    )
    observation_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        validation_alias="HISTORY_OBSERVATION_RETENTION_DAYS",
        description="Observations (a provider's word on an overridden match, not applied) are "
        "pruned from the change history after this many days, at each day's planning. Unset: "
        "kept for ever, as every other change record is.",
    )

    @field_validator("url", "migration_url")
    @classmethod
    def _postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        # The message never repeats the value: it may carry a password.
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DatabaseSettings:
        if self.pool_min > self.pool_max:
            raise ValueError("BESTSHOT_DB_POOL_MIN is larger than BESTSHOT_DB_POOL_MAX")
        return self

    def config(self) -> DatabaseConfig:
        return DatabaseConfig(
            url=None if self.url is None else self.url.get_secret_value(),
            data_dir=self.data_dir,
            pool=PoolConfig(
                min_size=self.pool_min,
                max_size=self.pool_max,
                statement_timeout=self.statement_timeout,
                command_timeout=self.command_timeout,
                acquire_timeout=self.acquire_timeout,
                connect_timeout=self.connect_timeout,
            ),
            seasons_kept=self.seasons_kept,
        )

    def observation_retention(self) -> timedelta | None:
        """How long observations stay in the history; None: for ever."""
        days = self.observation_retention_days
        return None if days is None else timedelta(days=days)

    def migration_config(self, url: str | None = None) -> DatabaseConfig:
        """Where `bestshot db migrate` connects: `url`, else MIGRATION_DATABASE_URL, else as
        the service does."""
        if url is None and self.migration_url is not None:
            url = self.migration_url.get_secret_value()
        config = self.config()
        return config if url is None else attrs.evolve(config, url=url)

    def production_problems(self) -> list[str]:
        if self.url is None:
            return ["DATABASE_URL is missing (the embedded PostgreSQL is for demo only)"]
        return []
