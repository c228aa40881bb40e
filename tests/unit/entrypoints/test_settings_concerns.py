"""Settings by concern: each model reads its own variables, alone or composed, by their names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.sources.providers import DECLARATIONS
from entrypoints.settings import (
    ConfigurationError,
    DatabaseSettings,
    Settings,
    WorkerSettings,
    load_settings,
    read_settings,
)


def provider_samples() -> dict[str, str]:
    """A value for each variable a provider declares (its URL, rate limit and own settings)."""
    samples: dict[str, str] = {}
    for port, declared in enumerate(DECLARATIONS.values(), start=9001):
        if declared.url_variable:
            samples[declared.url_variable] = f"http://127.0.0.1:{port}"
        if declared.rate_limit_variable:
            samples[declared.rate_limit_variable] = f"{port - 9000}/1"
        samples.update({setting.variable: setting.example for setting in declared.settings})
    return samples


# A value each variable takes, none of them its default.
SAMPLES = {
    "NODE_ENV": "production",
    "API_DOMAIN": "https://api.bestshot.example",
    "MAX_BODY_BYTES": "2048",
    "PUBLIC_CACHE_MAX_AGE": "20",
    "READ_CACHE_SECONDS": "2",
    "REQUEST_HEADER_TIMEOUT_SECONDS": "4",
    "REQUEST_BODY_TIMEOUT_SECONDS": "12.5",
    "MAX_CONNECTIONS": "64",
    "FORWARDED_ALLOW_IPS": "10.0.0.0/8,192.0.2.7",
    "INTERNAL_SERVICE_TOKEN": "prod-internal-token-7f3a9c2e5b1d4f6a8c0e,"
    "prod-internal-token-next-9c8b7a6f5e4d3c2b1a",
    "JWT_SECRET": "prod-jwt-secret-1b3d5f7a9c2e4f6a8b0d1f3e5a7c9e",
    "JWT_JWKS_URL": "https://idp.example/jwks.json",
    "JWT_ISSUER": "https://idp.example/",
    "JWT_AUDIENCE": "https://api.bestshot.example",
    "JWT_ADMIN_CLAIM": "admin",
    "JWT_LEEWAY_SECONDS": "10",
    "DATABASE_URL": "postgresql://bestshot:db-password-Zq8wXk2p@db.internal/bestshot",
    "MIGRATION_DATABASE_URL": "postgresql://owner:owner-password-Yp3v@db.internal/bestshot",
    "BESTSHOT_DATA_DIR": "/var/lib/bestshot",
    "BESTSHOT_DB_POOL_MIN": "2",
    "BESTSHOT_DB_POOL_MAX": "20",
    "BESTSHOT_DB_STATEMENT_TIMEOUT": "3",
    "BESTSHOT_DB_COMMAND_TIMEOUT": "4",
    "BESTSHOT_DB_ACQUIRE_TIMEOUT": "5",
    "BESTSHOT_DB_CONNECT_TIMEOUT": "6",
    "HISTORY_OBSERVATION_RETENTION_DAYS": "90",
    "STANDINGS_SEASONS_KEPT": "1000",
    "LOG_LEVEL": "DEBUG",
    "SENTRY_DSN": "https://public-key-0123456789@sentry.example/42",
    "SENTRY_TRACES_SAMPLE_RATE": "0.5",
    "METRICS_ENABLED": "false",
    "METRICS_TOKEN": "prod-metrics-token-4e6a8c0b2d4f6a8c0e2b",
    "SCHEDULER_KIND": "eventbridge",
    "SCHEDULE_MATCH_WINDOW_MINUTES": "120",
    "SCHEDULE_TEST_DELAY_SECONDS": "300",
    "SCHEDULE_NAME_PREFIX": "prod_",
    "SCHEDULE_EXPRESSION": "cron",
    "SCHEDULE_FOLLOW_UP_MINUTES": "10",
    "SCHEDULE_MAX_FOLLOW_UPS": "2",
    "VERIFY_SETTLE_MINUTES": "15",
    "FALLBACK_KICKOFF_TOLERANCE_MINUTES": "30",
    "SCHEDULE_PLAN_CONCURRENCY": "8",
    "SCHEDULE_PLAN_BUDGET_SECONDS": "25",
    "SCHEDULE_PLAN_RETENTION_DAYS": "3",
    "SCHEDULE_FLEXIBLE_WINDOW_MINUTES": "0",
    "EVENTBRIDGE_GROUP": "another-group",
    "EVENTBRIDGE_LAMBDA_ARN": "arn:aws:lambda:eu-west-1:123456789012:function:caller",
    "EVENTBRIDGE_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler",
    "EVENTBRIDGE_DLQ_ARN": "arn:aws:sqs:eu-west-1:123456789012:dlq",
    "EVENTBRIDGE_ENDPOINT_URL": "http://127.0.0.1:5000",
    "AWS_REGION": "eu-west-1",
    "WORKER_ENABLED": "false",
    "WORKER_POLL_SECONDS": "1",
    "WORKER_MAX_ATTEMPTS": "3",
    "SCHEDULE_RETENTION_DAYS": "7",
    "WEBHOOKS_ENABLED": "false",
    "WEBHOOKS_POLL_SECONDS": "3",
    "WEBHOOKS_DEADLINE_SECONDS": "4",
    "WEBHOOKS_MAX_RESPONSE_BYTES": "1024",
    "WEBHOOKS_RETRY_HOURS": "6",
    "CALLER_READ_TIMEOUT": "25",
    "BESTSHOT_HTTP_CONNECT_TIMEOUT": "1",
    "BESTSHOT_HTTP_READ_TIMEOUT": "2",
    "BESTSHOT_HTTP_ATTEMPTS": "2",
    "BESTSHOT_HTTP_DEADLINE_SECONDS": "12.5",
    "BESTSHOT_HTTP_MAX_BODY_BYTES": "2097152",
    **provider_samples(),
}

SECRETS = {
    "INTERNAL_SERVICE_TOKEN",
    "JWT_SECRET",
    "DATABASE_URL",
    "MIGRATION_DATABASE_URL",
    "SENTRY_DSN",
    *(s.variable for p in DECLARATIONS.values() for s in p.settings if s.secret),
    "METRICS_TOKEN",
}


def test_the_samples_cover_every_variable_once() -> None:
    # The README's table is checked against the same list (test_settings).
    variables = Settings.variables()
    assert len(variables) == len(set(variables))  # no variable read by two concerns
    assert set(SAMPLES) == set(variables)


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_every_variable_reaches_its_field(case: Callable[[str], str]) -> None:
    settings = load_settings({case(name): value for name, value in SAMPLES.items()})
    for concern in settings.concerns():
        assert concern.model_fields_set == set(type(concern).model_fields), type(concern)


def test_a_concern_reads_its_own_variables_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BESTSHOT_DB_POOL_MAX", "3")
    monkeypatch.setenv("WORKER_MAX_ATTEMPTS", "7")
    # Another concern's bad value is not this one's business.
    monkeypatch.setenv("SCHEDULE_MATCH_WINDOW_MINUTES", "lots-of-minutes")
    assert DatabaseSettings().config().pool.max_size == 3
    assert WorkerSettings().config().max_attempts == 7
    with pytest.raises(ConfigurationError, match="SCHEDULE_MATCH_WINDOW_MINUTES"):
        read_settings()


def test_the_composition_reads_each_concern_from_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BESTSHOT_FILES_DIR", "/srv/files")
    monkeypatch.setenv("API_DOMAIN", "https://api.bestshot.example")
    settings = Settings()  # each concern made by its default factory
    openfootball = settings.sources().providers["openfootball"]
    assert openfootball.options["files_dir"] == Path("/srv/files")
    assert settings.service.api_domain == "https://api.bestshot.example"


def test_an_environment_handed_in_replaces_the_process_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JWT_ADMIN_CLAIM", "=")
    monkeypatch.setenv("BESTSHOT_DB_POOL_MAX", "3")
    settings = read_settings({"WORKER_MAX_ATTEMPTS": "7"})
    assert settings.auth.jwt_admin_claim == "role=admin"
    assert settings.database.pool_max == 10
    assert settings.worker.max_attempts == 7
    with pytest.raises(ConfigurationError, match="JWT_ADMIN_CLAIM"):
        read_settings()


def test_bad_values_of_several_concerns_are_all_named_in_one_error() -> None:
    bad = {
        "NODE_ENV": "staging",
        "JWT_LEEWAY_SECONDS": "forever-and-a-day",
        "BESTSHOT_DB_POOL_MAX": "many-connections",
        "SCHEDULE_MATCH_WINDOW_MINUTES": "lots-of-minutes",
        "WORKER_POLL_SECONDS": "often-enough",
        "BESTSHOT_ESPN_RATE_LIMIT": "fast-please",
    }
    with pytest.raises(ConfigurationError) as caught:
        read_settings(bad)
    message = str(caught.value)
    for name, value in bad.items():
        assert f"{name}: " in message
        assert value not in message


def test_production_refusals_of_several_concerns_come_together() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({"NODE_ENV": "production", "SCHEDULER_KIND": "eventbridge"})
    message = str(caught.value)
    for name in (
        "API_DOMAIN",
        "INTERNAL_SERVICE_TOKEN",
        "JWT_SECRET",
        "DATABASE_URL",
        "EVENTBRIDGE_LAMBDA_ARN",
        "EVENTBRIDGE_ROLE_ARN",
    ):
        assert name in message


def test_the_secret_variables_are_the_secret_typed_fields() -> None:
    found = {v for concern in Settings.concern_types().values() for v in concern.secret_variables()}
    assert found == SECRETS


def test_every_secret_set_is_scrubbed_and_never_shown() -> None:
    settings = load_settings(SAMPLES)
    values = settings.secret_values()
    token, next_token = SAMPLES["INTERNAL_SERVICE_TOKEN"].split(",")
    for secret in (token, next_token, "db-password-Zq8wXk2p", "owner-password-Yp3v"):
        assert secret in values
    for name in SECRETS - {"INTERNAL_SERVICE_TOKEN"}:
        assert SAMPLES[name] in values
    shown = repr(settings) + str(settings.model_dump())
    for secret in values:
        assert secret not in shown


@given(
    st.dictionaries(
        st.sampled_from(sorted(SECRETS - {"DATABASE_URL", "MIGRATION_DATABASE_URL"})),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=32, max_size=64),
        min_size=1,
    )
)
def test_any_secret_variable_set_is_in_the_values_to_scrub(secrets: dict[str, str]) -> None:
    settings = read_settings(secrets)
    values = settings.secret_values()
    assert set(secrets.values()) <= set(values)
    assert all(secret not in repr(settings) for secret in secrets.values())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("WORKER_FOLLOW_UP_MINUTES", "SCHEDULE_FOLLOW_UP_MINUTES"),
        ("worker_max_follow_ups", "SCHEDULE_MAX_FOLLOW_UPS"),
    ],
)
def test_a_renamed_variable_still_set_is_refused_naming_its_new_name(old: str, new: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{old.upper()} was renamed {new}"):
        load_settings({old: "10"})
