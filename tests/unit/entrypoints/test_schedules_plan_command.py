"""`bestshot schedules plan --date D`: a day the API would refuse is refused before anything
starts (no database, no scheduler), with one line naming the option and the range."""

from __future__ import annotations

import pytest

from bestshot_domain.days import RANGE
from entrypoints.cli import main


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("1899-12-31", f"--date must be {RANGE}"),
        ("2201-01-01", f"--date must be {RANGE}"),
        ("0001-01-01", f"--date must be {RANGE}"),
        ("2026-02-30", "not a day written YYYY-MM-DD"),
        ("tomorrow", "not a day written YYYY-MM-DD"),
    ],
)
def test_a_day_outside_the_range_or_no_day_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str, says: str
) -> None:
    # A database that cannot exist: reaching it would fail otherwise than with the usage line.
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    with pytest.raises(SystemExit) as caught:
        main(["schedules", "plan", "--date", value, "--dry-run"])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert says in err[0]
