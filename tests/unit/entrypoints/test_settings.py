"""Settings: demo runs with nothing set; production refuses what would be unsafe, naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from entrypoints.bootstrap import scheduling_policy
from entrypoints.settings import (
    DEMO_INTERNAL_SERVICE_TOKEN,
    DEMO_JWT_SECRET,
    ConfigurationError,
    NodeEnv,
    SchedulerKind,
    load_settings,
)

STRONG_TOKEN = "prod-internal-token-7f3a9c2e5b1d4f6a8c0e"
STRONG_SECRET = "prod-jwt-secret-1b3d5f7a9c2e4f6a8b0d1f3e5a7c9e"
DB_PASSWORD = "db-password-Zq8wXk2p"

PRODUCTION = {
    "NODE_ENV": "production",
    "API_DOMAIN": "https://api.bestshot.example",
    "INTERNAL_SERVICE_TOKEN": STRONG_TOKEN,
    "JWT_SECRET": STRONG_SECRET,
    "DATABASE_URL": f"postgresql://bestshot:{DB_PASSWORD}@db.internal:5432/bestshot",
}


def test_demo_starts_with_nothing_set_on_documented_defaults() -> None:
    settings = load_settings({})
    assert settings.database().url is None
    assert settings.sources().match_window.total_seconds() == 150 * 60
    assert settings.node_env is NodeEnv.DEMO
    assert settings.internal_tokens() == (DEMO_INTERNAL_SERVICE_TOKEN,)
    assert settings.effective_jwt_secret() == DEMO_JWT_SECRET
    assert settings.database_url is None  # the embedded PostgreSQL
    assert settings.scheduler_kind is SchedulerKind.LOCAL
    assert settings.schedule_match_window_minutes == 150


def test_the_process_environment_is_read_case_insensitively(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHEDULE_MATCH_WINDOW_MINUTES", "120")
    monkeypatch.setenv("node_env", "demo")
    assert load_settings().schedule_match_window_minutes == 120


def test_a_complete_production_configuration_starts() -> None:
    settings = load_settings(PRODUCTION)
    assert settings.is_production
    assert settings.internal_tokens() == (STRONG_TOKEN,)
    assert settings.effective_jwt_secret() == STRONG_SECRET


def test_production_with_nothing_set_names_every_missing_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({"NODE_ENV": "production"})
    message = str(caught.value)
    for name in ("INTERNAL_SERVICE_TOKEN", "JWT_SECRET", "DATABASE_URL", "API_DOMAIN"):
        assert name in message


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"INTERNAL_SERVICE_TOKEN": "short-token-31-characters-long"}, "INTERNAL_SERVICE_TOKEN"),
        ({"INTERNAL_SERVICE_TOKEN": f"{STRONG_TOKEN},q7x9z"}, "INTERNAL_SERVICE_TOKEN"),
        ({"INTERNAL_SERVICE_TOKEN": DEMO_INTERNAL_SERVICE_TOKEN}, "demo"),
        ({"INTERNAL_SERVICE_TOKEN": " , "}, "INTERNAL_SERVICE_TOKEN"),
        ({"JWT_SECRET": DEMO_JWT_SECRET}, "demo"),
        ({"JWT_SECRET": "too-short-secret"}, "JWT_SECRET"),
        ({"JWT_JWKS_URL": "http://keys.example/jwks.json"}, "JWT_JWKS_URL"),
        ({"API_DOMAIN": "http://api.bestshot.example"}, "API_DOMAIN"),
        ({"SCHEDULER_KIND": "eventbridge"}, "EVENTBRIDGE_LAMBDA_ARN"),
        ({"BESTSHOT_DB_POOL_MIN": "20", "BESTSHOT_DB_POOL_MAX": "5"}, "pool"),
        ({"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"),
        ({"BESTSHOT_ESPN_RATE_LIMIT": "fast"}, "BESTSHOT_ESPN_RATE_LIMIT"),
    ],
)
def test_production_refuses_unsafe_values_and_never_prints_them(
    change: dict[str, str], named: str
) -> None:
    environ = {**PRODUCTION, **change}
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert named in message
    secrets = [v for k, v in change.items() if k in {"INTERNAL_SERVICE_TOKEN", "JWT_SECRET"}]
    for secret in (*secrets, STRONG_SECRET, STRONG_TOKEN, DB_PASSWORD):
        for part in secret.split(","):
            if part.strip():
                assert part.strip() not in message


def test_production_with_jwks_instead_of_a_secret_starts() -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != "JWT_SECRET"}
    settings = load_settings({**environ, "JWT_JWKS_URL": "https://idp.example/jwks.json"})
    assert settings.effective_jwt_secret() is None


def test_a_rotation_accepts_several_tokens() -> None:
    other = "prod-internal-token-next-9c8b7a6f5e4d3c2b1a"
    settings = load_settings({**PRODUCTION, "INTERNAL_SERVICE_TOKEN": f"{STRONG_TOKEN}, {other}"})
    assert settings.internal_tokens() == (STRONG_TOKEN, other)


def test_a_malformed_value_names_the_variable_and_hides_the_value() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({"SCHEDULE_MATCH_WINDOW_MINUTES": "lots-of-minutes", "NODE_ENV": "staging"})
    message = str(caught.value)
    assert "SCHEDULE_MATCH_WINDOW_MINUTES" in message
    assert "NODE_ENV" in message
    assert "lots-of-minutes" not in message
    assert "staging" not in message


def test_secrets_never_show_in_the_settings_repr() -> None:
    settings = load_settings(PRODUCTION)
    text = repr(settings) + str(settings.model_dump())
    for secret in (STRONG_TOKEN, STRONG_SECRET, DB_PASSWORD):
        assert secret not in text


def test_secret_values_lists_what_scrubbers_must_hide() -> None:
    settings = load_settings({**PRODUCTION, "FOOTBALL_DATA_TOKEN": "fd-token-abcdef123456"})
    assert set(settings.secret_values()) >= {
        STRONG_TOKEN,
        STRONG_SECRET,
        DB_PASSWORD,
        "fd-token-abcdef123456",
    }


@pytest.mark.parametrize("spec", ["=admin", "", "="])
def test_a_malformed_admin_claim_is_refused(spec: str) -> None:
    with pytest.raises(ConfigurationError, match="JWT_ADMIN_CLAIM"):
        load_settings({"JWT_ADMIN_CLAIM": spec})


def test_the_database_and_the_providers_read_the_same_environment() -> None:
    settings = load_settings(
        {
            **PRODUCTION,
            "BESTSHOT_DB_POOL_MAX": "7",
            "BESTSHOT_ESPN_URL": "http://127.0.0.1:9000",
            "SCHEDULE_MATCH_WINDOW_MINUTES": "120",
        }
    )
    assert settings.database().pool.max_size == 7
    assert settings.database().url == PRODUCTION["DATABASE_URL"]
    assert settings.sources().espn.base_url == "http://127.0.0.1:9000"
    # One window for both: a demo schedule fires when the demo's results exist.
    assert settings.sources().match_window.total_seconds() == 120 * 60


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCHEDULE_NAME_PREFIX", "p" * 25),
        ("SCHEDULE_NAME_PREFIX", "Prod_"),
        ("SCHEDULE_TEST_DELAY_SECONDS", "-1"),
        ("SCHEDULE_TEST_DELAY_SECONDS", "86401"),
        ("SCHEDULE_TEST_DELAY_SECONDS", "9" * 30),
    ],
)
def test_scheduling_settings_the_policy_refuses_are_refused_naming_the_variable(
    variable: str, value: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({variable: value})
    message = str(caught.value)
    assert f"{variable}: " in message
    assert value not in message


def test_scheduling_settings_the_policy_takes_make_a_policy() -> None:
    prefix = "a_prefix_of_24_chars.ok-"  # the policy's limit (settings used to stop at 16)
    assert scheduling_policy(load_settings({"SCHEDULE_NAME_PREFIX": prefix})).prefix == prefix
    for seconds in (0, 86400):  # 0: fire at the earliest, a minute after planning
        settings = load_settings({"SCHEDULE_TEST_DELAY_SECONDS": str(seconds)})
        assert scheduling_policy(settings).test_delay == timedelta(seconds=seconds)
