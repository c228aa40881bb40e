"""The HTTP API on Starlette: `create_app` builds it from the ports the composition root wires."""

from entrypoints.api.app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
