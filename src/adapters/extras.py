"""The optional pieces (`server`, `aws`, `scrapers` extras): a missing one fails naming its extra.

See pyproject.toml's `[project.optional-dependencies]` for what each extra installs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bestshot_domain.errors import MissingExtra


@contextmanager
def needs_extra(extra: str, what: str, *packages: str) -> Iterator[None]:
    """Imports in the block that miss one of `packages` raise MissingExtra naming `extra`."""
    try:
        yield
    except ModuleNotFoundError as error:
        if not is_missing(error, *packages):
            raise  # some other module: a bug, not an extra left out
        raise MissingExtra(what, extra) from error


def is_missing(error: ModuleNotFoundError, *packages: str) -> bool:
    """Whether `error` is the import of one of `packages` (or a module inside one) failing."""
    return (error.name or "").partition(".")[0] in packages
