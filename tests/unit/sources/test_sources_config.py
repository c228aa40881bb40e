"""The sources' settings from the environment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.sources.http import RateLimit
from bestshot_domain.errors import InvalidInput
from entrypoints.sources_config import sources_config_from_env


def test_defaults() -> None:
    config = sources_config_from_env({})
    assert config.football_data.base_url == "https://api.football-data.org"
    assert config.football_data.policy.rate_limit == RateLimit(10, 60.0)
    assert config.fbref.policy.rate_limit == RateLimit(10, 60.0)
    assert config.football_data_token is None
    assert config.match_window == timedelta(hours=2, minutes=30)


THROWAWAY = "throwaway-test-value"


def test_everything_can_be_set() -> None:
    config = sources_config_from_env(
        {
            "FOOTBALL_DATA_TOKEN": THROWAWAY,
            "BESTSHOT_ESPN_URL": "http://127.0.0.1:8080/",
            "BESTSHOT_HTTP_CONNECT_TIMEOUT": "2.5",
            "BESTSHOT_HTTP_READ_TIMEOUT": "9",
            "BESTSHOT_HTTP_ATTEMPTS": "2",
            "BESTSHOT_SOFASCORE_RATE_LIMIT": "5/10",
            "SCHEDULE_MATCH_WINDOW_MINUTES": "1",
        }
    )
    assert config.football_data_token == THROWAWAY
    assert config.espn.base_url == "http://127.0.0.1:8080"
    assert config.espn.policy.connect_timeout == 2.5
    assert config.fbref.policy.read_timeout == 9
    assert config.sofascore.policy.attempts == 2
    assert config.sofascore.policy.rate_limit == RateLimit(5, 10.0)
    assert config.match_window == timedelta(minutes=1)


def test_the_token_never_shows_in_the_config_repr() -> None:
    config = sources_config_from_env({"FOOTBALL_DATA_TOKEN": "s3cret-token"})
    assert "s3cret-token" not in repr(config)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BESTSHOT_HTTP_READ_TIMEOUT", "soon"),
        ("BESTSHOT_HTTP_READ_TIMEOUT", "-1"),
        ("BESTSHOT_HTTP_ATTEMPTS", "2.5"),
        ("BESTSHOT_FBREF_RATE_LIMIT", "10 per minute"),
        ("BESTSHOT_FBREF_RATE_LIMIT", "0/60"),
        ("BESTSHOT_ESPN_URL", "site.api.espn.com"),
        ("SCHEDULE_MATCH_WINDOW_MINUTES", "0"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=name):
        sources_config_from_env({name: value})
