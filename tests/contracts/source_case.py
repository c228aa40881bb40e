"""What the ResultSource contract needs of an adapter: the source and a reference it knows."""

from __future__ import annotations

from attrs import frozen

from bestshot_domain.ports import ResultSource


@frozen
class SourceCase:
    source: ResultSource
    reference: str  # a tournament the source serves (recorded payloads, a demo league ...)
    unknown_reference: str  # one it must answer with NotFound
