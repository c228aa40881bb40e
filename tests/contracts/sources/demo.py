"""demo: the simulated league, read directly (no HTTP); every well-formed seed is a league."""

from adapters.sources.demo import DemoSource
from bestshot_domain.ports import Clock
from tests.contracts.source_case import SourceCase


def case(clock: Clock) -> SourceCase:
    return SourceCase(
        DemoSource(clock),
        "42/2026-11-28",
        unknown_reference=None,
        malformed_reference="forty-two",
    )
