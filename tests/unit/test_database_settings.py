"""The database's settings from the environment: defaults, values, one clear error per bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.postgres.pool import PoolConfig
from bestshot_domain.errors import InvalidInput
from entrypoints.settings import read_settings


def test_nothing_set_means_the_embedded_server_in_dot_bestshot() -> None:
    settings = read_settings({}).database.config()
    assert settings.url is None
    assert settings.embedded_data_dir == Path(".bestshot") / "pgdata"
    assert settings.pool == PoolConfig()


def test_every_variable_is_read() -> None:
    settings = read_settings(
        {
            "DATABASE_URL": "postgresql://bestshot@db.internal/bestshot",
            "BESTSHOT_DATA_DIR": "/var/lib/bestshot",
            "BESTSHOT_DB_POOL_MIN": "2",
            "BESTSHOT_DB_POOL_MAX": "20",
            "BESTSHOT_DB_STATEMENT_TIMEOUT": "2.5",
            "BESTSHOT_DB_COMMAND_TIMEOUT": "4",
            "BESTSHOT_DB_ACQUIRE_TIMEOUT": "3",
            "BESTSHOT_DB_CONNECT_TIMEOUT": "1.5",
        }
    ).database.config()
    assert settings.url == "postgresql://bestshot@db.internal/bestshot"
    assert settings.embedded_data_dir == Path("/var/lib/bestshot/pgdata")
    assert settings.pool == PoolConfig(
        min_size=2,
        max_size=20,
        statement_timeout=2.5,
        command_timeout=4,
        acquire_timeout=3,
        connect_timeout=1.5,
    )
    assert settings.pool.server_settings()["statement_timeout"] == "2500"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://root:hunter2@db/x"}, "DATABASE_URL: must be a postgresql://"),
        ({"BESTSHOT_DB_POOL_MAX": "many"}, "BESTSHOT_DB_POOL_MAX: Input should be a valid integer"),
        ({"BESTSHOT_DB_POOL_MIN": "-1"}, "BESTSHOT_DB_POOL_MIN: Input should be greater than"),
        (
            {"BESTSHOT_DB_POOL_MIN": "5", "BESTSHOT_DB_POOL_MAX": "2"},
            "BESTSHOT_DB_POOL_MIN is larger than BESTSHOT_DB_POOL_MAX",
        ),
        ({"BESTSHOT_DB_STATEMENT_TIMEOUT": "nan"}, "BESTSHOT_DB_STATEMENT_TIMEOUT: "),
        ({"BESTSHOT_DB_COMMAND_TIMEOUT": "0"}, "BESTSHOT_DB_COMMAND_TIMEOUT: Input should be"),
    ],
)
def test_a_bad_value_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        read_settings(env)
    assert "hunter2" not in str(caught.value)


def test_an_empty_variable_counts_as_unset() -> None:
    settings = read_settings({"DATABASE_URL": "", "BESTSHOT_DB_POOL_MAX": ""}).database.config()
    assert (settings.url, settings.pool.max_size) == (None, PoolConfig().max_size)
