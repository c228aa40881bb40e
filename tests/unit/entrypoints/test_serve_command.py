"""`bestshot serve`: bad arguments and a refused configuration stop it with one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.cli import main
from entrypoints.commands.serve import (
    own_api_domain,
    print_quick_start,
    refuse_public_demo_secrets,
)
from entrypoints.demo_seed import DEMO_TOURNAMENT
from entrypoints.settings import DEMO_INTERNAL_SERVICE_TOKEN, DEMO_JWT_SECRET, load_settings


@pytest.mark.parametrize("argv", [["--port", "http"], ["--port", "70000"], ["--port", "-1"]])
def test_a_bad_port_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", *argv])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--port" in err[0]


def test_production_without_secrets_refuses_to_serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NODE_ENV", "production")
    for name in ("INTERNAL_SERVICE_TOKEN", "JWT_SECRET", "JWT_JWKS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "INTERNAL_SERVICE_TOKEN is missing" in err[0]
    assert "DATABASE_URL is missing" in err[0]


def test_the_readme_shows_what_make_run_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    block = readme.split("```console\nbestshot is serving on", 1)[1].split("\n```", 1)[0]
    settings = own_api_domain(load_settings({}), "127.0.0.1", 8000)
    print_quick_start(settings, DEMO_TOURNAMENT)
    assert capsys.readouterr().out.strip("\n") == "bestshot is serving on" + block


@pytest.mark.parametrize(
    ("environ", "host", "port", "expected"),
    [
        ({}, "127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ({}, "0.0.0.0", 9000, "http://127.0.0.1:9000"),  # noqa: S104 - an address, not a bind
        ({}, "::1", 9000, "http://[::1]:9000"),
        (
            {"API_DOMAIN": "http://bestshot.local:8000"},
            "127.0.0.1",
            9000,
            "http://bestshot.local:8000",
        ),
    ],
)
def test_in_demo_schedules_call_back_the_port_being_served(
    environ: dict[str, str], host: str, port: int, expected: str
) -> None:
    assert own_api_domain(load_settings(environ), host, port).service.api_domain == expected


DEMO_SECRET_VARIABLES = ("INTERNAL_SERVICE_TOKEN", "JWT_SECRET", "JWT_JWKS_URL", "NODE_ENV")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "bestshot.local"])  # noqa: S104
def test_demo_secrets_on_an_address_others_reach_refuse_to_serve(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in DEMO_SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    assert main(["serve", "--host", host, "--port", "0"]) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "public demo INTERNAL_SERVICE_TOKEN and JWT_SECRET" in err[0]
    assert DEMO_INTERNAL_SERVICE_TOKEN not in err[0]
    assert DEMO_JWT_SECRET not in err[0]


def test_one_demo_secret_left_is_still_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in DEMO_SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JWT_SECRET", "a-real-secret-of-the-operator-0123456789")

    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2  # noqa: S104

    [line] = capsys.readouterr().err.strip().splitlines()
    assert "public demo INTERNAL_SERVICE_TOKEN:" in line


@pytest.mark.parametrize(
    ("environ", "host"),
    [
        ({}, "127.0.0.1"),
        ({}, "127.0.0.2"),
        ({}, "::1"),
        ({}, "localhost"),
        (
            {
                "INTERNAL_SERVICE_TOKEN": "a-real-internal-token-0123456789abcdef",
                "JWT_SECRET": "a-real-secret-of-the-operator-0123456789",
            },
            "0.0.0.0",  # noqa: S104 - an address, not a bind
        ),
        (
            {
                "INTERNAL_SERVICE_TOKEN": "a-real-internal-token-0123456789abcdef",
                "JWT_JWKS_URL": "https://idp.example/jwks.json",
            },
            "0.0.0.0",  # noqa: S104 - an address, not a bind
        ),
    ],
)
def test_demo_secrets_on_loopback_or_real_secrets_anywhere_may_serve(
    environ: dict[str, str], host: str
) -> None:
    refuse_public_demo_secrets(load_settings(environ), host)  # raises nothing


def test_help_names_the_data_folder_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "BESTSHOT_DATA_DIR" in out
    assert "PGDATA_DIR" not in out.replace("BESTSHOT_DATA_DIR", "")


@pytest.mark.parametrize(("argv", "migrate"), [([], True), (["--no-migrate"], False)])
def test_no_migrate_starts_on_the_schema_as_it_is(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], migrate: bool
) -> None:
    seen: dict[str, object] = {}

    async def serve(*args: object, **options: object) -> None:
        seen.update(options)

    monkeypatch.setattr("entrypoints.commands.serve.serve", serve)
    monkeypatch.setenv("NODE_ENV", "demo")
    assert main(["serve", "--port", "0", *argv]) == 0
    assert seen["migrate"] is migrate
