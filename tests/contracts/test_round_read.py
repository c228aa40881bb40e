"""The RoundRepository's `read`: the four reads a round update starts from, in one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from bestshot_domain.errors import NotFound
from bestshot_domain.model import Fallback, MatchStatus, Override, Round, RoundKind, VerifyMode
from bestshot_domain.ports import UnitOfWorkFactory
from tests.builders import T0, match, state, tournament
from tests.contracts.seed import seed, seed_league


def override(key: str, **changes: object) -> Override:
    values: dict[str, object] = {
        "match": key,
        "state": state(MatchStatus.FINISHED, (2, 1)),
        "reason": "the official report says 2-1",
        "by": "admin@example.org",
        "at": T0,
    }
    values.update(changes)
    return Override(**values)  # type: ignore[arg-type]


async def seeded(uow_factory: UnitOfWorkFactory) -> None:
    later = T0 + timedelta(hours=2)
    await seed_league(
        uow_factory,
        rounds=("matchday-1", "matchday-2", "matchday-3"),
        matches=[
            match("m4", home="c", away="d", kickoff=later, status=MatchStatus.LIVE, score=(0, 1)),
            match("m2", home="b", away="d", version=3),
            match("m1", status=MatchStatus.FINISHED, score=(3, 3), last_observed=T0),
            match("m3", round_slug="matchday-2", home="a", away="c"),
        ],
    )
    async with uow_factory() as uow:
        await uow.overrides.save_many(
            [
                override("scripted:m4"),
                override(
                    "scripted:m1",
                    state=state(MatchStatus.FINISHED, (1, 0)),
                    provider_says=state(MatchStatus.FINISHED, (3, 3)),
                    provider_at=T0 + timedelta(minutes=5),
                ),
                override("scripted:m3", state=state(MatchStatus.POSTPONED)),
            ]
        )
        await uow.commit()


class TestRoundRead:
    async def test_a_read_is_what_the_four_reads_give(self, uow_factory: UnitOfWorkFactory) -> None:
        await seeded(uow_factory)
        for slug in ("matchday-1", "matchday-2", "matchday-3"):
            async with uow_factory() as uow:
                read = await uow.rounds.read("liga-test", slug)
                assert read.tournament == await uow.tournaments.get("liga-test")
                assert read.round == await uow.rounds.get("liga-test", slug)
                assert list(read.matches) == list(await uow.matches.for_round("liga-test", slug))
                overrides = await uow.overrides.for_round("liga-test", slug)
                assert list(read.overrides.items()) == list(overrides.items())

    async def test_a_read_has_the_round_matches_in_order_and_their_overrides(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seeded(uow_factory)
        async with uow_factory() as uow:
            read = await uow.rounds.read("liga-test", "matchday-1")
            empty = await uow.rounds.read("liga-test", "matchday-3")
        assert [m.external_id for m in read.matches] == ["m1", "m2", "m4"]
        assert read.matches[1].version == 3
        assert list(read.overrides) == ["scripted:m1", "scripted:m4"]
        assert read.overrides["scripted:m1"].provider_says == state(MatchStatus.FINISHED, (3, 3))
        assert (empty.round.slug, list(empty.matches), dict(empty.overrides)) == (
            "matchday-3",
            [],
            {},
        )

    async def test_a_read_carries_every_field_of_the_tournament_and_round(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        stored = evolve(
            tournament("cup", zones="1:champion,18-20:relegation", season="2023"),
            timezone="Europe/Madrid",
            fallback=Fallback("espn", "esp.1"),
            verify=VerifyMode.AGREE,
        )
        final = Round("cup", "final", "Final", 9, RoundKind.KNOCKOUT, "F")
        await seed(uow_factory, tournaments=[stored], rounds=[final])
        async with uow_factory() as uow:
            read = await uow.rounds.read("cup", "final")
        assert (read.tournament, read.round) == (stored, final)

    async def test_an_unknown_tournament_or_round_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory, "liga-test")
        async with uow_factory() as uow:
            with pytest.raises(NotFound, match="nowhere"):
                await uow.rounds.read("nowhere", "matchday-1")
            with pytest.raises(NotFound, match="matchday-9"):
                await uow.rounds.read("liga-test", "matchday-9")
