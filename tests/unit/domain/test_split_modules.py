"""Names moved out of `model` and `ports` still import from there, as the same objects."""

from __future__ import annotations

import pytest

from bestshot_domain import model, ports, scheduler_port, values


@pytest.mark.parametrize(
    "name",
    [
        "Ending",
        "MatchKey",
        "MatchStatus",
        "RoundKind",
        "Score",
        "TeamKey",
        "TournamentId",
        "VerifyMode",
        "make_key",
    ],
)
def test_the_model_re_exports_its_basic_values(name: str) -> None:
    assert getattr(model, name) is getattr(values, name)


@pytest.mark.parametrize("name", ["EnsureOutcome", "PlannedSchedule", "Scheduler", "Survey"])
def test_the_ports_re_export_the_scheduler_port(name: str) -> None:
    assert getattr(ports, name) is getattr(scheduler_port, name)
