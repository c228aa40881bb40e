"""The scripted API on loopback, as fixtures."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.integration.caller.scripted_api import ScriptedAPI


def _serve() -> Iterator[ScriptedAPI]:
    api = ScriptedAPI()
    thread = threading.Thread(target=api.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.server.shutdown()
        api.server.server_close()
        thread.join()


@pytest.fixture
def api() -> Iterator[ScriptedAPI]:
    yield from _serve()


@pytest.fixture
def elsewhere() -> Iterator[ScriptedAPI]:
    """Another server, standing for a host the token must never reach."""
    yield from _serve()
