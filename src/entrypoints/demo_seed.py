"""The demo tournament `make run` seeds into an empty database.

Twenty fictional clubs, a double round-robin from the demo source, half the season played and
the current matchday kicking off today, soon after the seed: the table already means something,
and today's schedules have something to fire for.
"""

from __future__ import annotations

import logging

from adapters.sources.demo import reference_for
from entrypoints.bootstrap import Service
from entrypoints.use_cases import TournamentImport

logger = logging.getLogger("bestshot.demo")

DEMO_SEED = 2026
DEMO_LABEL = "Demo League"
DEMO_TOURNAMENT = "demo-league"  # the slug of DEMO_LABEL
DEMO_RULES = "premier_league"
DEMO_ZONES = "1:champion,1-4:champions_league,5:europa_league,18-20:relegation"


async def seed_demo_if_empty(service: Service) -> str | None:
    """Import the demo tournament when no tournament is stored; its id, or None if not seeded."""
    async with service.uow_factory() as uow:
        if await uow.tournaments.list():
            return None
    summary = await service.use_cases.import_tournament(
        TournamentImport(
            provider="demo",
            reference=reference_for(DEMO_SEED, service.clock.now()),
            label=DEMO_LABEL,
            rules=DEMO_RULES,
            zones=DEMO_ZONES,
        )
    )
    # Standings straight away, so that the first read of the table finds one.
    await service.use_cases.update_standings(summary.tournament.id)
    logger.info("seeded the demo tournament", extra={"tournament": summary.tournament.id})
    return summary.tournament.id
