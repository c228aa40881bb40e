"""A payload validation error names the place and the kind of value found, never the value: a
payload may be a file read on an admin's request."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.sources.payload import Payload, validate
from bestshot_domain.errors import SourceFormatError


class _Status(Payload):
    code: int
    name: str


@given(st.text())
def test_a_wrong_value_is_described_by_its_kind_not_quoted(text: str) -> None:
    value = f"leak-{text}"  # never a number, and easy to find
    with pytest.raises(SourceFormatError) as raised:
        validate("espn", _Status, {"code": value, "name": "x"}, prefix="events[0].status")

    assert raised.value.path == "events[0].status.code"
    assert str(raised.value).endswith("got a string at events[0].status.code")
    assert "leak-" not in str(raised.value)


@pytest.mark.parametrize(
    ("found", "kind"),
    [(None, "null"), (True, "a boolean"), (2.5, "a number"), ([1], "a list"), ({}, "an object")],
)
def test_each_kind_is_named(found: object, kind: str) -> None:
    with pytest.raises(SourceFormatError, match=f"got {kind} at name"):
        validate("espn", _Status, {"code": 1, "name": found})
