"""What the ResultSource contract needs of an adapter: the source and a reference it knows."""

from __future__ import annotations

from attrs import frozen

from bestshot_domain.ports import ResultSource


@frozen
class SourceCase:
    source: ResultSource
    reference: str  # a tournament the source serves (recorded payloads, a demo league ...)
    # One it must answer with NotFound; None: it serves every well-formed reference (demo).
    unknown_reference: str | None
    # One it must refuse as InvalidInput before asking anyone; None: any text is well formed.
    malformed_reference: str | None = None
