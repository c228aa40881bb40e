"""The sources' settings from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from adapters.caller import CallerConfig
from adapters.sources.football_data import TOKEN
from adapters.sources.openfootball import FILES_DIR, HOSTS
from adapters.sources.policy import RateLimit
from adapters.sources.providers import DECLARATIONS
from bestshot_domain.errors import InvalidInput
from entrypoints.settings import read_settings


def test_defaults() -> None:
    config = read_settings({}).sources()
    providers = config.providers
    assert providers["football_data"].base_url == "https://api.football-data.org"
    assert providers["football_data"].policy.rate_limit == RateLimit(10, 60.0)
    assert providers["fbref"].policy.rate_limit == RateLimit(10, 60.0)
    assert TOKEN.of(providers["football_data"]) is None
    assert providers["espn"].policy.deadline == 20.0 < CallerConfig().read_timeout
    assert providers["espn"].policy.max_body_bytes == 8 * 1024 * 1024
    assert config.match_window == timedelta(hours=2, minutes=30)
    assert FILES_DIR.of(providers["openfootball"]) is None  # the API reads no file
    assert [str(o) for o in HOSTS.of(providers["openfootball"])] == [
        "https://raw.githubusercontent.com",
        "https://github.com",
    ]
    assert not config.trusted


def test_the_defaults_are_the_declared_ones() -> None:
    config = read_settings({}).sources()
    for name, declared in DECLARATIONS.items():
        if declared.http:
            configured, defaults = config.providers[name], declared.defaults()
            assert (configured.base_url, configured.policy) == (
                defaults.base_url,
                defaults.policy,
            ), name


THROWAWAY = "throwaway-test-value"


def test_the_shared_settings_reach_every_provider() -> None:
    config = read_settings(
        {
            "BESTSHOT_HTTP_CONNECT_TIMEOUT": "2.5",
            "BESTSHOT_HTTP_READ_TIMEOUT": "9",
            "BESTSHOT_HTTP_ATTEMPTS": "2",
            "BESTSHOT_HTTP_DEADLINE_SECONDS": "12.5",
            "BESTSHOT_HTTP_MAX_BODY_BYTES": "1048576",
            "SCHEDULE_MATCH_WINDOW_MINUTES": "1",
        }
    ).sources()
    assert config.match_window == timedelta(minutes=1)
    for name, declared in DECLARATIONS.items():
        if declared.http:
            policy = config.providers[name].policy
            assert (
                policy.connect_timeout,
                policy.read_timeout,
                policy.attempts,
                policy.deadline,
                policy.max_body_bytes,
            ) == (2.5, 9, 2, 12.5, 1024 * 1024), name
            assert policy.rate_limit == declared.rate_limit, name


@pytest.mark.parametrize("name", [n for n, d in DECLARATIONS.items() if d.rate_limit_variable])
def test_each_provider_reads_its_own_url_and_rate_limit(name: str) -> None:
    declared = DECLARATIONS[name]
    assert declared.rate_limit_variable is not None
    environ = {declared.rate_limit_variable: "5/10"}
    if declared.url_variable is not None:
        environ[declared.url_variable] = "http://127.0.0.1:8080/"
    configured = read_settings(environ).sources().providers
    assert configured[name].policy.rate_limit == RateLimit(5, 10.0)
    expected = "http://127.0.0.1:8080" if declared.url_variable else declared.base_url
    assert configured[name].base_url == expected
    others = [n for n, d in DECLARATIONS.items() if d.http and n != name]
    assert all(configured[n] == read_settings({}).sources().providers[n] for n in others)


def test_the_token_the_files_folder_and_the_hosts() -> None:
    providers = (
        read_settings(
            {
                "FOOTBALL_DATA_TOKEN": THROWAWAY,
                "BESTSHOT_FILES_DIR": "/srv/bestshot/files",
                "BESTSHOT_OPENFOOTBALL_HOSTS": "files.example, http://mirror.lan:8080",
            }
        )
        .sources()
        .providers
    )
    assert TOKEN.of(providers["football_data"]) == THROWAWAY
    assert FILES_DIR.of(providers["openfootball"]) == Path("/srv/bestshot/files")
    assert [str(origin) for origin in HOSTS.of(providers["openfootball"])] == [
        "https://files.example",
        "http://mirror.lan:8080",
    ]


def test_the_token_never_shows_in_the_config_repr() -> None:
    config = read_settings({"FOOTBALL_DATA_TOKEN": "s3cret-token"}).sources()
    assert "s3cret-token" not in repr(config)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BESTSHOT_HTTP_READ_TIMEOUT", "soon"),
        ("BESTSHOT_HTTP_READ_TIMEOUT", "-1"),
        ("BESTSHOT_HTTP_ATTEMPTS", "2.5"),
        ("BESTSHOT_HTTP_DEADLINE_SECONDS", "0"),
        # Above the caller's patience with a PATCH, it would give up and ask again first.
        ("BESTSHOT_HTTP_DEADLINE_SECONDS", "31"),
        ("BESTSHOT_HTTP_MAX_BODY_BYTES", "100"),
        ("BESTSHOT_FBREF_RATE_LIMIT", "10 per minute"),
        ("BESTSHOT_FBREF_RATE_LIMIT", "0/60"),
        ("BESTSHOT_ESPN_URL", "site.api.espn.com"),
        ("SCHEDULE_MATCH_WINDOW_MINUTES", "0"),
        ("BESTSHOT_OPENFOOTBALL_HOSTS", "https://user:hunter2@files.example"),
        ("BESTSHOT_OPENFOOTBALL_HOSTS", "ftp://files.example"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=name) as caught:
        read_settings({name: value})
    assert "hunter2" not in str(caught.value)
