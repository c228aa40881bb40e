"""Adapters: one module or package per technology, each implementing domain ports."""

import sys

# httpx imports its command-line client (and with it rich, click and pygments, some 100 ms)
# whenever those happen to be installed, as development tools bring them. bestshot never runs
# that client: marking its module absent makes httpx fall back to its stub (issue 17, part 5).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
