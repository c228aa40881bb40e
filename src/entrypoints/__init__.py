"""Entrypoints: the thin edges (CLI, API, Lambda) and the composition roots."""

import sys

# Never httpx's command-line client, whatever imports httpx first: see `adapters/__init__.py`.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
