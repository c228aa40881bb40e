"""Time budgets that fit inside each other (issue 13, point 7): the API's whole provider budget
for a PATCH below the caller's wait for its answer, and the local worker's lease above its
caller's longest firing; the settings refuse any other combination, naming the variables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.settings import ConfigurationError, read_settings


@pytest.mark.parametrize(
    ("deadline", "read_timeout"), [("30", None), ("20", "15"), ("25", "25"), ("12.5", "12")]
)
def test_a_provider_budget_the_caller_would_not_wait_for_is_refused_by_name(
    deadline: str, read_timeout: str | None
) -> None:
    environ = {"BESTSHOT_HTTP_DEADLINE_SECONDS": deadline}
    if read_timeout is not None:
        environ["CALLER_READ_TIMEOUT"] = read_timeout
    with pytest.raises(ConfigurationError) as caught:
        read_settings(environ)
    message = str(caught.value)
    assert "BESTSHOT_HTTP_DEADLINE_SECONDS must be below CALLER_READ_TIMEOUT" in message


def test_a_caller_timeout_longer_than_the_workers_lease_holds_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="CALLER_READ_TIMEOUT is too long") as caught:
        read_settings({"CALLER_READ_TIMEOUT": "600"})
    assert "BESTSHOT_HTTP_DEADLINE_SECONDS" not in str(caught.value)


def test_the_local_workers_caller_waits_as_configured() -> None:
    settings = read_settings({"BESTSHOT_HTTP_DEADLINE_SECONDS": "40", "CALLER_READ_TIMEOUT": "45"})
    assert settings.worker.caller().read_timeout == 45
    assert settings.budget_problems() == []


@given(
    deadline=st.floats(0.5, 200, allow_nan=False),
    read_timeout=st.floats(0.5, 200, allow_nan=False),
)
def test_settings_start_exactly_when_the_budgets_nest(deadline: float, read_timeout: float) -> None:
    environ = {
        "BESTSHOT_HTTP_DEADLINE_SECONDS": repr(deadline),
        "CALLER_READ_TIMEOUT": repr(read_timeout),
    }
    try:
        settings = read_settings(environ)
    except ConfigurationError:
        accepted = False
    else:
        accepted = True
        assert settings.worker.caller_worst_case() < settings.worker.config().lease
    # The lease (10 min) holds both PATCHes' three attempts of up to ~88 s each.
    nests = deadline < read_timeout and 2 * (3 * (5 + read_timeout) + 2 * 10) < 600
    assert accepted == nests
