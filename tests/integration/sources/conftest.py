from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.sources.sources_loopback import LoopbackServer, serving


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serving() as running:
        yield running
