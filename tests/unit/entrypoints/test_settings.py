"""Settings: demo runs with nothing set; production refuses what would be unsafe, naming it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.sources.football_data import TOKEN
from adapters.sources.openfootball import FILES_DIR
from adapters.sources.providers import DECLARATIONS
from entrypoints.settings import (
    DEMO_API_DOMAIN,
    DEMO_INTERNAL_SERVICE_TOKEN,
    DEMO_JWT_SECRET,
    ConfigurationError,
    NodeEnv,
    SchedulerKind,
    Settings,
    load_settings,
    read_settings,
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
    assert settings.database.config().url is None
    assert settings.sources().match_window.total_seconds() == 150 * 60
    assert settings.service.node_env is NodeEnv.DEMO
    assert settings.internal_tokens() == (DEMO_INTERNAL_SERVICE_TOKEN,)
    assert settings.effective_jwt_secret() == DEMO_JWT_SECRET
    assert settings.database.url is None  # the embedded PostgreSQL
    assert settings.scheduling.kind is SchedulerKind.LOCAL
    assert settings.scheduling.match_window_minutes == 150


def test_the_process_environment_is_read_case_insensitively(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHEDULE_MATCH_WINDOW_MINUTES", "120")
    monkeypatch.setenv("node_env", "demo")
    assert load_settings().scheduling.match_window_minutes == 120


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
        ({"BESTSHOT_DB_POOL_MIN": "20", "BESTSHOT_DB_POOL_MAX": "5"}, "BESTSHOT_DB_POOL_MIN"),
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


JWKS = {
    "JWT_JWKS_URL": "https://idp.example/jwks.json",
    "JWT_AUDIENCE": "https://api.bestshot.example",
    "JWT_ISSUER": "https://idp.example/",
}


def test_production_with_jwks_instead_of_a_secret_starts() -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != "JWT_SECRET"}
    settings = load_settings({**environ, **JWKS})
    assert settings.effective_jwt_secret() is None


@pytest.mark.parametrize("missing", ["JWT_AUDIENCE", "JWT_ISSUER"])
@pytest.mark.parametrize("blank", [None, "", "  "])
def test_production_with_jwks_requires_an_audience_and_an_issuer(
    missing: str, blank: str | None
) -> None:
    # The identity provider signs tokens for other applications too: only `aud` and `iss`
    # tell ours apart.
    environ = {k: v for k, v in {**PRODUCTION, **JWKS}.items() if k != missing}
    if blank is not None:
        environ[missing] = blank

    with pytest.raises(ConfigurationError, match=f"{missing} is missing"):
        load_settings(environ)


def test_demo_with_jwks_needs_no_audience_or_issuer() -> None:
    settings = load_settings({"JWT_JWKS_URL": "https://idp.example/jwks.json"})
    assert settings.auth.jwt_audience is None


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


@pytest.mark.parametrize("spec", ["=admin", " ", "="])
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
    assert settings.database.config().pool.max_size == 7
    assert settings.database.config().url == PRODUCTION["DATABASE_URL"]
    assert settings.sources().providers["espn"].base_url == "http://127.0.0.1:9000"
    # One window for both: a demo schedule fires when the demo's results exist.
    assert settings.sources().match_window.total_seconds() == 120 * 60


def _readme_variables() -> set[str]:
    """The variables of the README's configuration table (the service's, not the Lambda's)."""
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("The Lambda reads its own", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z_{}]+)`", line.split("|")[1]))
    expanded = {n for n in names if "{PROVIDER}" not in n}
    # `BESTSHOT_{PROVIDER}_URL`: each provider's own variable of that shape, as it declares.
    for pattern in names - expanded:
        shape = re.compile(re.escape(pattern).replace(r"\{PROVIDER\}", "[A-Z_]+"))
        expanded.update(
            v for p in DECLARATIONS.values() for v in p.variables() if shape.fullmatch(v)
        )
    return expanded


def test_the_readme_table_lists_every_setting_and_nothing_else() -> None:
    # BESTSHOT_DEBUG is the command line's own: it must work when the settings do not.
    assert _readme_variables() - {"BESTSHOT_DEBUG"} == set(Settings.variables())


def test_every_variable_is_read_by_the_one_settings_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The process environment, through pydantic-settings: the database's and the providers'
    # variables included, and nothing read a second way.
    monkeypatch.setenv("BESTSHOT_DB_POOL_MAX", "3")
    monkeypatch.setenv("FOOTBALL_DATA_TOKEN", "fd-token-from-the-process")
    monkeypatch.setenv("BESTSHOT_FILES_DIR", "/srv/files")
    settings = read_settings()
    assert settings.database.config().pool.max_size == 3
    providers = settings.sources().providers
    assert TOKEN.of(providers["football_data"]) == "fd-token-from-the-process"
    assert FILES_DIR.of(providers["openfootball"]) == Path("/srv/files")


def test_an_empty_variable_counts_as_unset() -> None:
    settings = load_settings({"JWT_ADMIN_CLAIM": "", "API_DOMAIN": "", "BESTSHOT_ESPN_URL": ""})
    assert settings.auth.jwt_admin_claim == "role=admin"
    assert settings.service.api_domain == DEMO_API_DOMAIN
    assert settings.sources().providers["espn"].base_url == "https://site.api.espn.com"


def test_reading_does_not_apply_the_production_refusals() -> None:
    # `bestshot db migrate` in production needs the database, not the API's secrets.
    settings = read_settings({"NODE_ENV": "production", "DATABASE_URL": PRODUCTION["DATABASE_URL"]})
    assert settings.database.config().url == PRODUCTION["DATABASE_URL"]
    with pytest.raises(ConfigurationError, match="INTERNAL_SERVICE_TOKEN is missing"):
        load_settings({"NODE_ENV": "production", "DATABASE_URL": PRODUCTION["DATABASE_URL"]})


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
    policy = load_settings({"SCHEDULE_NAME_PREFIX": prefix}).scheduling_policy()
    assert policy.prefix == prefix
    for seconds in (0, 86400):  # 0: fire at the earliest, a minute after planning
        settings = load_settings({"SCHEDULE_TEST_DELAY_SECONDS": str(seconds)})
        assert settings.scheduling_policy().test_delay == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REQUEST_HEADER_TIMEOUT_SECONDS", "0"),
        ("REQUEST_HEADER_TIMEOUT_SECONDS", "301"),
        ("REQUEST_BODY_TIMEOUT_SECONDS", "-1"),
        ("REQUEST_BODY_TIMEOUT_SECONDS", "inf"),
        ("MAX_CONNECTIONS", "0"),
        ("MAX_CONNECTIONS", "lots"),
    ],
)
def test_limits_on_slow_clients_that_would_not_limit_are_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{variable}: "):
        load_settings({variable: value})


EVENTBRIDGE = {
    "SCHEDULER_KIND": "eventbridge",
    "EVENTBRIDGE_LAMBDA_ARN": "arn:aws:lambda:eu-west-1:123456789012:function:bestshot-caller",
    "EVENTBRIDGE_ROLE_ARN": "arn:aws:iam::123456789012:role/bestshot-scheduler",
    "EVENTBRIDGE_DLQ_ARN": "arn:aws:sqs:eu-west-1:123456789012:bestshot-failures",
}


@pytest.mark.parametrize(
    "missing", ["EVENTBRIDGE_LAMBDA_ARN", "EVENTBRIDGE_ROLE_ARN", "EVENTBRIDGE_DLQ_ARN"]
)
def test_production_on_eventbridge_refuses_to_start_without_its_parts(missing: str) -> None:
    # Without a failure queue, an invocation the scheduler cannot make leaves no trace.
    environ = {k: v for k, v in {**PRODUCTION, **EVENTBRIDGE}.items() if k != missing}

    with pytest.raises(ConfigurationError, match=f"{missing} is missing"):
        load_settings(environ)
    assert load_settings({**PRODUCTION, **EVENTBRIDGE}).scheduling.eventbridge_dlq_arn
