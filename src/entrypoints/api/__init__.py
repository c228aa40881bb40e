"""The HTTP API on Starlette: `create_app` builds it from the ports the composition root wires.

`create_app` is imported when first asked for (PEP 562): a command that reads the API's
schemas or queries without serving (`bestshot schedules`, `bestshot worker`) loads no Starlette.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bestshot_routes import API_PREFIX

if TYPE_CHECKING:
    from entrypoints.api.app import create_app

__all__ = ["API_PREFIX", "create_app"]


def __getattr__(name: str) -> Any:
    if name != "create_app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.app").create_app
