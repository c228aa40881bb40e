"""`bestshot serve`: bad arguments and a refused configuration stop it with one line, exit 2."""

from __future__ import annotations

import pytest

from entrypoints.cli import main


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
