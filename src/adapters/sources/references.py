"""A provider's 404 and what it means where the provider keeps a tournament's page: the
reference is unknown (the port's NotFound). The client raises `ProviderNotFound`; each source
wraps the fetch of a tournament's own page in `reference_known()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bestshot_domain.errors import NotFound, SourceError, SourceUnavailable


class ProviderNotFound(SourceUnavailable):
    """HTTP 404: where the provider keeps a tournament's page, the port's NotFound
    (`reference_known`); anywhere else, a provider that does not answer usefully."""


class UnknownReference(SourceError, NotFound):
    """The provider knows no tournament by this reference (the API's 404)."""


@contextmanager
def reference_known() -> Iterator[None]:
    """Around the fetch of a tournament's own page: a 404 there says the reference is unknown."""
    try:
        yield
    except ProviderNotFound as error:
        raise UnknownReference(error.provider, str(error).partition(": ")[2]) from None
