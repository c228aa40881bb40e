"""Entrypoints: the thin edges (CLI, API, Lambda) and the composition roots."""
