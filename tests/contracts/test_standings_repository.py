"""The StandingsRepository contract: stored snapshots. (Its `status` and revision: in
test_standings_revision.py; its `inputs`: in test_standings_inputs.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bestshot_domain.errors import NotFound
from bestshot_domain.model import Cards, StandingsSnapshot
from bestshot_domain.ports import UnitOfWorkFactory
from bestshot_domain.standings import (
    KnockoutMatch,
    MatchResult,
    TeamEntry,
    compute_standings,
    knockout,
    parse_zones,
    preset,
    progress,
)
from tests.builders import T0, tournament
from tests.contracts.seed import seed, seed_league


class TestSnapshots:
    async def test_none_before_the_first_computation(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") is None
            assert await uow.standings.get("nowhere") is None

    async def test_a_snapshot_replaces_the_last_one(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        await seed(uow_factory, tournaments=[tournament("other")])
        first = StandingsSnapshot("liga-test", "fifa", T0)
        second = StandingsSnapshot("liga-test", "premier_league", T0 + timedelta(minutes=5))
        other = StandingsSnapshot("other", "fifa", T0)
        async with uow_factory() as uow:
            await uow.standings.save(first)
            await uow.standings.save(other)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") == first
            await uow.standings.save(second)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") == second
            assert await uow.standings.get("other") == other

    async def test_computed_tables_read_back_equal(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        teams = [
            TeamEntry(f"scripted:{key}", key.upper(), "AB"[i // 2]) for i, key in enumerate("abcd")
        ]
        results = [
            MatchResult("scripted:a", "scripted:b", 2, 2, T0, Cards(yellow=2), Cards(red=1)),
            MatchResult("scripted:c", "scripted:d", 0, 1, T0),
            MatchResult("scripted:b", "scripted:a", None, None, T0 + timedelta(days=7)),
        ]
        tables = compute_standings(
            preset("fifa_world_cup"), teams, results, {"scripted:d": -1}, parse_zones("1:first")
        )
        # The digests of what each group's table was computed from come back with them.
        digests = {"AB": "2f", "A": "1e", "B": "0d"}
        snapshot = StandingsSnapshot("liga-test", "fifa_world_cup", T0, tables, digests=digests)
        async with uow_factory() as uow:
            await uow.standings.save(snapshot)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.standings.get("liga-test")
        assert stored == snapshot
        assert stored is not None
        assert dict(stored.digests) == digests
        assert [dict(row.zones) for row in stored.tables[0].rows] == [
            dict(row.zones) for row in tables[0].rows
        ]

    async def test_tables_and_rows_that_change_places_replace_the_last_ones(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        # The groups swap indexes, every row swaps places, a table goes: what is read back is
        # each time exactly the last snapshot saved (PostgreSQL writes it in one statement).
        await seed_league(uow_factory)
        rules = preset("fifa_world_cup")

        def snapshot(groups: str, winner_first: bool, minutes: int) -> StandingsSnapshot:
            teams = [
                TeamEntry(f"scripted:{key}", key.upper(), groups[i // 2] if groups else None)
                for i, key in enumerate("abcd"[: 2 * max(len(groups), 1)])
            ]
            home, away = (1, 0) if winner_first else (0, 1)
            results = [
                MatchResult(teams[i].id, teams[i + 1].id, home, away, T0)
                for i in range(0, len(teams), 2)
            ]
            tables = compute_standings(rules, teams, results, {}, parse_zones(""))
            if groups == "BA":
                tables = tables[::-1]
            return StandingsSnapshot(
                "liga-test", "fifa_world_cup", T0 + timedelta(minutes=minutes), tables
            )

        for step, (groups, winner_first) in enumerate(
            [("AB", True), ("BA", False), ("A", True), ("AB", False), ("", True)]
        ):
            expected = snapshot(groups, winner_first, step)
            async with uow_factory() as uow:
                await uow.standings.save(expected)
                await uow.commit()
            async with uow_factory() as uow:
                assert await uow.standings.get("liga-test") == expected

    async def test_the_bracket_reads_back_equal(self, uow_factory: UnitOfWorkFactory) -> None:
        await seed_league(uow_factory)
        legs = [
            KnockoutMatch("Semi-finals", "scripted:a", "scripted:b", (1, 1), (1, 1), (4, 3), T0),
            KnockoutMatch("Semi-finals", "scripted:c", "scripted:d", None, (2, 1)),
            KnockoutMatch("Final", "scripted:a", "scripted:c", None),
        ]
        bracket = knockout(legs, away_goals=False)
        reached = progress(bracket, ["scripted:a", "scripted:e"])
        snapshot = StandingsSnapshot("liga-test", "fifa", T0, (), 3, "e", bracket, reached)
        async with uow_factory() as uow:
            await uow.standings.save(snapshot)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.standings.get("liga-test")
        assert stored == snapshot
        assert stored is not None
        assert dict(stored.progress) == {
            "scripted:a": "Final",
            "scripted:b": "Semi-finals",
            "scripted:c": "Final",
            "scripted:d": "Semi-finals",
            "scripted:e": "group",
        }
        assert [tie.decided_by for stage in stored.knockout for tie in stage.ties] == [
            "penalties",
            "extra_time",
            None,
        ]

    async def test_a_snapshot_of_an_unknown_tournament_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.standings.save(StandingsSnapshot("nowhere", "fifa", T0))

    async def test_snapshots_roll_back_unless_committed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        await seed_league(uow_factory)
        async with uow_factory() as uow:
            await uow.standings.save(StandingsSnapshot("liga-test", "fifa", T0))
        async with uow_factory() as uow:
            assert await uow.standings.get("liga-test") is None
