"""The scripted API on loopback, as fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.caller.scripted_api import ScriptedAPI, serving


@pytest.fixture
def api() -> Iterator[ScriptedAPI]:
    yield from serving()


@pytest.fixture
def elsewhere() -> Iterator[ScriptedAPI]:
    """Another server, standing for a host the token must never reach."""
    yield from serving()
